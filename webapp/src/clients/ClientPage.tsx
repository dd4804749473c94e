import { useMemo, useState } from "react";
import { Link, useParams } from "react-router";
import { useMutation, useQuery } from "urql";
import { errorsByField, requestError } from "../api";
import { can, FRONT_OFFICE, useSession } from "../auth/AuthContext";
import { graphql } from "../gql";
import { STATUS_LABEL } from "../calendar/model";
import { formatDateTime } from "../tz";
import { Empty, Field, FormError, Loading } from "../ui/Field";
import { useDebounced } from "./useDebounced";
import { NotFound } from "../NotFound";
import { ClientEditForm } from "./ClientEditForm";
import { ClientConsents } from "../messaging/ClientConsents";
import { ClientRecords } from "../forms/ClientRecords";

const ClientDocument = graphql(`
  query Client($id: ID!, $from: DateTime!, $to: DateTime!) {
    client(id: $id) {
      id
      displayName
      firstName
      lastName
      preferredName
      dateOfBirth
      email
      phone
      notes
      allergies
      medications
      medicalConditions
      tags
      isArchived
      mergedIntoId
      marketingConsent {
        granted
        source
        recordedAt
      }
      address {
        line1
        line2
        city
        region
        postalCode
        country
      }
    }
    appointments(clientId: $id, from: $from, to: $to, first: 100) {
      edges {
        node {
          id
          startsAt
          status
          location {
            timezone
          }
          provider {
            displayName
          }
          services {
            service {
              name
            }
          }
        }
      }
    }
  }
`);

const AuditDocument = graphql(`
  query ClientAudit($id: ID!) {
    clientAuditLog(clientId: $id, first: 50) {
      edges {
        node {
          seq
          occurredAt
          actorUserId
          actorRole
          action
        }
      }
    }
  }
`);

const ArchiveDocument = graphql(`
  mutation ArchiveClient($id: ID!) {
    archiveClient(id: $id) {
      client {
        id
        isArchived
      }
      errors {
        field
        code
        message
      }
    }
  }
`);

const RestoreDocument = graphql(`
  mutation RestoreClient($id: ID!) {
    restoreClient(id: $id) {
      client {
        id
        isArchived
      }
      errors {
        field
        code
        message
      }
    }
  }
`);

const MergeDocument = graphql(`
  mutation MergeClients($survivorId: ID!, $duplicateId: ID!) {
    mergeClients(survivorId: $survivorId, duplicateId: $duplicateId) {
      client {
        id
      }
      errors {
        field
        code
        message
      }
    }
  }
`);

const MergeSearchDocument = graphql(`
  query MergeSearch($search: String!) {
    clients(search: $search, first: 8) {
      edges {
        node {
          id
          displayName
          email
          phone
        }
      }
    }
  }
`);

// The history shown a month at a time (the API's range is 31 days at most):
// the month around today first, then earlier or later months on request.
const DAY_MS = 86400_000;
function range(months: number) {
  const middle = Date.now() + months * 30 * DAY_MS;
  return {
    from: new Date(middle - 15 * DAY_MS).toISOString(),
    to: new Date(middle + 15 * DAY_MS).toISOString(),
  };
}

export default function ClientPage() {
  const { id = "" } = useParams();
  const { me, spa } = useSession();
  const [months, setMonths] = useState(0);
  const window_ = useMemo(() => range(months), [months]);
  const [{ data, fetching, error }, refetch] = useQuery({ query: ClientDocument, variables: { id, ...window_ } });
  const [audit] = useQuery({ query: AuditDocument, variables: { id }, pause: me.role !== "OWNER" });
  const [archiveState, archive] = useMutation(ArchiveDocument);
  const [, restore] = useMutation(RestoreDocument);
  const [actionError, setActionError] = useState<string | null>(null);
  const [editing, setEditing] = useState(false);
  const frontOffice = can(me.role, FRONT_OFFICE);

  if (fetching && !data) return <Loading what="the client" />;
  if (error) return <FormError message={requestError(error)} />;
  const c = data?.client;
  if (!c) return <NotFound />;
  const history = (data?.appointments?.edges ?? []).flatMap((e) => (e?.node ? [e.node] : []));

  async function toggleArchive() {
    if (!c) return;
    const result = c.isArchived ? await restore({ id: c.id }) : await archive({ id: c.id });
    const payload = result.data && ("archiveClient" in result.data ? result.data.archiveClient : result.data.restoreClient);
    setActionError(payload?.errors.length ? payload.errors.map((e) => e.message).join(" ") : requestError(result.error));
    refetch({ requestPolicy: "network-only" });
  }

  return (
    <section className="page">
      <p>
        <Link to="/clients">← Clients</Link>
      </p>
      <div className="toolbar">
        <h1>{c.displayName}</h1>
        {c.isArchived ? <span className="badge">Archived</span> : null}
        {frontOffice && !c.mergedIntoId ? (
          <button type="button" onClick={() => void toggleArchive()} disabled={archiveState.fetching}>
            {c.isArchived ? "Restore" : "Archive"}
          </button>
        ) : null}
        {frontOffice && !c.isArchived ? (
          <button type="button" aria-expanded={editing} onClick={() => setEditing(!editing)}>
            Edit
          </button>
        ) : null}
      </div>
      <FormError message={actionError} />
      {editing ? (
        <ClientEditForm
          client={c}
          onCancel={() => setEditing(false)}
          onSaved={() => {
            setEditing(false);
            refetch({ requestPolicy: "network-only" });
          }}
        />
      ) : null}
      <div className="columns">
        <div className="card">
          <h2>Contact</h2>
          <dl className="details">
            <dt>Email</dt>
            <dd>{c.email || "—"}</dd>
            <dt>Phone</dt>
            <dd>{c.phone || "—"}</dd>
            <dt>Date of birth</dt>
            <dd>{c.dateOfBirth ?? "—"}</dd>
            <dt>Address</dt>
            <dd>{[c.address.line1, c.address.line2, c.address.city, c.address.region, c.address.postalCode].filter(Boolean).join(", ") || "—"}</dd>
            <dt>Tags</dt>
            <dd>{c.tags.join(", ") || "—"}</dd>
            <dt>Marketing consent</dt>
            <dd>{c.marketingConsent ? (c.marketingConsent.granted ? "Granted" : "Refused") : "Not asked"}</dd>
          </dl>
        </div>
        <div className="card">
          <h2>Medical</h2>
          <dl className="details">
            <dt>Allergies</dt>
            <dd>{c.allergies.join(", ") || "None recorded"}</dd>
            <dt>Medications</dt>
            <dd>{c.medications.join(", ") || "None recorded"}</dd>
            <dt>Conditions</dt>
            <dd>{c.medicalConditions.join(", ") || "None recorded"}</dd>
            <dt>Notes</dt>
            <dd>{c.notes || "—"}</dd>
          </dl>
        </div>
      </div>
      <div className="card">
        <div className="toolbar">
          <h2>Appointments</h2>
          <span className="muted">
            {new Date(window_.from).toLocaleDateString("en-US", { month: "short", day: "numeric", year: "numeric" })} to{" "}
            {new Date(window_.to).toLocaleDateString("en-US", { month: "short", day: "numeric", year: "numeric" })}
          </span>
          <button type="button" onClick={() => setMonths(months - 1)}>
            Earlier
          </button>
          <button type="button" onClick={() => setMonths(months + 1)}>
            Later
          </button>
        </div>
        {history.length === 0 ? (
          <Empty>No appointments in these 30 days.</Empty>
        ) : (
          <table className="list">
            <thead>
              <tr>
                <th scope="col">When</th>
                <th scope="col">Services</th>
                <th scope="col">Provider</th>
                <th scope="col">Status</th>
              </tr>
            </thead>
            <tbody>
              {history.map((a) => (
                <tr key={a.id}>
                  <td>{formatDateTime(a.startsAt, a.location.timezone || spa.timezone)}</td>
                  <td>{a.services.map((s) => s.service.name).join(", ")}</td>
                  <td>{a.provider.displayName}</td>
                  <td>{STATUS_LABEL[a.status]}</td>
                </tr>
              ))}
            </tbody>
          </table>
        )}
      </div>
      <ClientRecords clientId={c.id} tz={spa.timezone} />
      {frontOffice && !c.isArchived ? <ClientConsents clientId={c.id} tz={spa.timezone} /> : null}
      {frontOffice && !c.isArchived ? <MergeCard survivorId={c.id} onMerged={() => refetch({ requestPolicy: "network-only" })} /> : null}
      {me.role === "OWNER" ? (
        <div className="card">
          <h2>Who read this record</h2>
          {audit.fetching && !audit.data ? <Loading what="the audit trail" /> : null}
          <FormError message={requestError(audit.error)} />
          <table className="list">
            <thead>
              <tr>
                <th scope="col">When</th>
                <th scope="col">Action</th>
                <th scope="col">Role</th>
                <th scope="col">User</th>
              </tr>
            </thead>
            <tbody>
              {(audit.data?.clientAuditLog?.edges ?? []).flatMap((e) =>
                e?.node
                  ? [
                      <tr key={e.node.seq}>
                        <td>{formatDateTime(e.node.occurredAt, spa.timezone)}</td>
                        <td>{e.node.action}</td>
                        <td>{e.node.actorRole}</td>
                        <td>{e.node.actorUserId ?? "—"}</td>
                      </tr>,
                    ]
                  : [],
              )}
            </tbody>
          </table>
        </div>
      ) : null}
    </section>
  );
}

function MergeCard({ survivorId, onMerged }: { survivorId: string; onMerged: () => void }) {
  const [search, setSearch] = useState("");
  const term = useDebounced(search.trim());
  const [found] = useQuery({ query: MergeSearchDocument, variables: { search: term }, pause: term.length < 2 });
  const [state, merge] = useMutation(MergeDocument);
  const [errors, setErrors] = useState<Record<string, string>>({});
  const [done, setDone] = useState<string | null>(null);
  const candidates = (found.data?.clients?.edges ?? []).flatMap((e) => (e?.node && e.node.id !== survivorId ? [e.node] : []));
  return (
    <div className="card">
      <h2>Merge a duplicate into this record</h2>
      <Field label="Find the duplicate" type="search" value={search} onChange={(e) => setSearch(e.target.value)} error={errors["duplicateId"]} />
      <ul className="pick-list">
        {candidates.map((d) => (
          <li key={d.id}>
            {d.displayName} <span className="muted">{d.email || d.phone}</span>{" "}
            <button
              type="button"
              disabled={state.fetching}
              onClick={async () => {
                const result = await merge({ survivorId, duplicateId: d.id });
                const payload = result.data?.mergeClients;
                if (payload?.client) {
                  setDone(`${d.displayName} was merged into this record.`);
                  setSearch("");
                  onMerged();
                } else setErrors(errorsByField(payload?.errors));
              }}
            >
              Merge into this record
            </button>
          </li>
        ))}
      </ul>
      <FormError message={errors[""] ?? errors["survivorId"]} />
      {done ? <p role="status">{done}</p> : null}
    </div>
  );
}
