import { useState } from "react";
import { Link, useNavigate } from "react-router";
import { useQuery } from "urql";
import { requestError } from "../api";
import { graphql } from "../gql";
import { Empty, Field, FormError, Loading } from "../ui/Field";
import { NewClientForm } from "./NewClientForm";
import { useDebounced } from "./useDebounced";

const ClientsDocument = graphql(`
  query Clients($search: String, $includeArchived: Boolean!) {
    clients(search: $search, includeArchived: $includeArchived, first: 50) {
      edges {
        node {
          id
          displayName
          email
          phone
          dateOfBirth
          isArchived
          tags
        }
      }
    }
  }
`);

export default function ClientsPage() {
  const [search, setSearch] = useState("");
  const [archived, setArchived] = useState(false);
  const [adding, setAdding] = useState(false);
  const navigate = useNavigate();
  const term = useDebounced(search.trim());
  const [{ data, fetching, error }] = useQuery({
    query: ClientsDocument,
    variables: { search: term.length >= 2 ? term : null, includeArchived: archived },
  });
  const rows = (data?.clients?.edges ?? []).flatMap((e) => (e?.node ? [e.node] : []));
  return (
    <section className="page">
      <div className="toolbar">
        <h1>Clients</h1>
        <button type="button" className="primary" onClick={() => setAdding(!adding)} aria-expanded={adding}>
          New client
        </button>
      </div>
      {adding ? (
        <div className="card">
          <h2>New client</h2>
          <NewClientForm
            onCreated={(c) => navigate(`/clients/${encodeURIComponent(c.id)}`)}
            onCancel={() => setAdding(false)}
          />
        </div>
      ) : null}
      <div className="filters">
        <Field
          label="Search clients"
          type="search"
          placeholder="Name, email or phone"
          value={search}
          onChange={(e) => setSearch(e.target.value)}
        />
        <label className="check">
          <input type="checkbox" checked={archived} onChange={(e) => setArchived(e.target.checked)} /> Include archived
        </label>
      </div>
      <FormError message={requestError(error)} />
      {fetching && !data ? <Loading what="clients" /> : null}
      {data && rows.length === 0 ? <Empty>{term ? "No client matches." : "No clients yet."}</Empty> : null}
      {rows.length ? (
        <table className="list">
          <thead>
            <tr>
              <th scope="col">Name</th>
              <th scope="col">Email</th>
              <th scope="col">Phone</th>
              <th scope="col">Tags</th>
            </tr>
          </thead>
          <tbody>
            {rows.map((c) => (
              <tr key={c.id}>
                <td>
                  <Link to={`/clients/${encodeURIComponent(c.id)}`}>{c.displayName}</Link>
                  {c.isArchived ? <span className="badge"> archived</span> : null}
                </td>
                <td>{c.email}</td>
                <td>{c.phone}</td>
                <td>{c.tags.join(", ")}</td>
              </tr>
            ))}
          </tbody>
        </table>
      ) : null}
    </section>
  );
}
