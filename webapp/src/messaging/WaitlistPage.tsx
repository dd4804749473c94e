import { useState, type FormEvent } from "react";
import { Link } from "react-router";
import { useMutation, useQuery } from "urql";
import { errorsByField, requestError } from "../api";
import { useSession } from "../auth/AuthContext";
import { ClientSearchDocument } from "../calendar/documents";
import { useDebounced } from "../clients/useDebounced";
import type { WaitlistStatus } from "../gql/graphql";
import { formatDateTime, isoDay, todayIn } from "../tz";
import { Empty, Field, FormError, Loading, Select } from "../ui/Field";
import { AddToWaitlistDocument, CancelWaitlistEntryDocument, WaitlistChoicesDocument, WaitlistDocument } from "./documents";
import { OFFER_STATUS_LABEL, WAITLIST_STATUS_LABEL } from "./labels";
import "./messaging.css";

const WEEKDAYS = ["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"];

function windowText(w: { weekdays: readonly number[]; start: string; end: string }): string {
  const days = w.weekdays.length === 7 ? "Every day" : w.weekdays.map((d) => WEEKDAYS[d]).join(", ");
  return `${days} ${w.start} to ${w.end}`;
}

/** The waitlist at the desk: who waits for what, their offers; add and take off. */
export default function WaitlistPage() {
  const { spa } = useSession();
  const [status, setStatus] = useState<WaitlistStatus | "">("WAITING");
  const [adding, setAdding] = useState(false);
  const [notice, setNotice] = useState<string | null>(null);
  const [actionError, setActionError] = useState<string | null>(null);
  const [{ data, fetching, error }, refetch] = useQuery({ query: WaitlistDocument, variables: { status: status || null } });
  const [cancelState, cancel] = useMutation(CancelWaitlistEntryDocument);
  const entries = (data?.waitlistEntries?.edges ?? []).flatMap((e) => (e?.node ? [e.node] : []));

  async function takeOff(id: string, name: string) {
    const result = await cancel({ id });
    const payload = result.data?.cancelWaitlistEntry;
    if (payload?.entry) {
      setNotice(`${name} is off the waitlist.`);
      setActionError(null);
      refetch({ requestPolicy: "network-only" });
    } else setActionError(payload?.errors.map((e) => e.message).join(" ") || requestError(result.error));
  }

  return (
    <section className="page">
      <div className="toolbar">
        <h1>Waitlist</h1>
        <button type="button" className="primary" aria-expanded={adding} onClick={() => setAdding(!adding)}>
          Add to waitlist
        </button>
      </div>
      {adding ? (
        <AddForm
          tz={spa.timezone}
          onCancel={() => setAdding(false)}
          onAdded={(name) => {
            setAdding(false);
            setNotice(`${name} is on the waitlist.`);
            refetch({ requestPolicy: "network-only" });
          }}
        />
      ) : null}
      {notice ? <p role="status">{notice}</p> : null}
      <FormError message={actionError} />
      <div className="filters">
        <Select label="Show" value={status} onChange={(e) => setStatus(e.target.value as WaitlistStatus | "")}>
          <option value="WAITING">Waiting</option>
          <option value="BOOKED">Booked</option>
          <option value="CANCELLED">Cancelled</option>
          <option value="">Everyone</option>
        </Select>
      </div>
      {fetching && !data ? <Loading what="the waitlist" /> : null}
      <FormError message={requestError(error)} />
      {data && entries.length === 0 ? <Empty>{status === "WAITING" ? "Nobody is waiting." : "Nobody here."}</Empty> : null}
      {entries.length ? (
        <table className="list">
          <thead>
            <tr>
              <th scope="col">Client</th>
              <th scope="col">Wants</th>
              <th scope="col">When</th>
              <th scope="col">Offers</th>
              <th scope="col">Status</th>
              <th scope="col">
                <span className="sr-only">Actions</span>
              </th>
            </tr>
          </thead>
          <tbody>
            {entries.map((e) => (
              <tr key={e.id}>
                <td>
                  <Link to={`/clients/${e.client.id}`}>{e.client.displayName}</Link>
                  {e.source === "ONLINE" ? <span className="muted"> (online)</span> : null}
                </td>
                <td>
                  {e.service.name} with {e.provider ? e.provider.displayName : "anyone"}, {e.location.name}
                </td>
                <td>
                  {e.earliest === e.latest ? e.earliest : `${e.earliest} to ${e.latest}`}
                  {e.windows.map((w, i) => (
                    <div key={i} className="why">
                      {windowText(w)}
                    </div>
                  ))}
                </td>
                <td>
                  {e.offers.length === 0
                    ? "None yet"
                    : e.offers.map((o) => (
                        <div key={o.id}>
                          {formatDateTime(o.startsAt, e.location.timezone || spa.timezone)}: {OFFER_STATUS_LABEL[o.status]}
                        </div>
                      ))}
                </td>
                <td>{WAITLIST_STATUS_LABEL[e.status]}</td>
                <td>
                  {e.status === "WAITING" ? (
                    <button type="button" disabled={cancelState.fetching} onClick={() => void takeOff(e.id, e.client.displayName)}>
                      Take {e.client.displayName} off
                    </button>
                  ) : null}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      ) : null}
    </section>
  );
}

type Picked = { id: string; displayName: string };

function AddForm({ tz, onCancel, onAdded }: { tz: string; onCancel: () => void; onAdded: (name: string) => void }) {
  const today = isoDay(todayIn(tz));
  const [client, setClient] = useState<Picked | null>(null);
  const [search, setSearch] = useState("");
  const term = useDebounced(search.trim());
  const [form, setForm] = useState({ serviceId: "", locationId: "", providerId: "", earliest: today, latest: today, start: "", end: "" });
  const [errors, setErrors] = useState<Record<string, string>>({});
  const [choices] = useQuery({ query: WaitlistChoicesDocument });
  const [clients] = useQuery({ query: ClientSearchDocument, variables: { search: term }, pause: term.length < 2 || !!client });
  const [state, add] = useMutation(AddToWaitlistDocument);
  const set = (name: keyof typeof form) => (e: { target: { value: string } }) => setForm({ ...form, [name]: e.target.value });
  const nodes = <T,>(edges: readonly ({ node?: T | null } | null)[] | undefined) => (edges ?? []).flatMap((e) => (e?.node ? [e.node] : []));
  const locations = nodes(choices.data?.locations?.edges);
  const services = nodes(choices.data?.services?.edges);
  const providers = nodes(choices.data?.staff?.edges);

  async function submit(event: FormEvent) {
    event.preventDefault();
    const missing: Record<string, string> = {};
    if (!client) missing["clientId"] = "Choose a client.";
    if (!form.serviceId) missing["serviceId"] = "Choose a service.";
    if (!form.locationId) missing["locationId"] = "Choose a location.";
    if ((form.start && !form.end) || (!form.start && form.end)) missing["windows"] = "Give both times, or neither.";
    if (Object.keys(missing).length || !client) {
      setErrors(missing);
      return;
    }
    const result = await add({
      clientId: client.id,
      serviceId: form.serviceId,
      locationId: form.locationId,
      providerId: form.providerId || null,
      earliest: form.earliest,
      latest: form.latest,
      windows: form.start ? [{ start: form.start, end: form.end }] : null,
    });
    const payload = result.data?.addToWaitlist;
    if (payload?.entry) onAdded(client.displayName);
    else setErrors({ ...errorsByField(payload?.errors), ...(result.error ? { "": requestError(result.error) ?? "" } : {}) });
  }

  return (
    <form className="card" onSubmit={submit} noValidate aria-labelledby="add-waitlist-title">
      <h2 id="add-waitlist-title">Add a client to the waitlist</h2>
      {client ? (
        <p>
          Client: <strong>{client.displayName}</strong>{" "}
          <button type="button" onClick={() => setClient(null)}>
            Change client
          </button>
        </p>
      ) : (
        <>
          <Field label="Find a client" type="search" placeholder="Name, email or phone" value={search} onChange={(e) => setSearch(e.target.value)} error={errors["clientId"]} />
          {term.length >= 2 ? (
            clients.fetching && !clients.data ? (
              <Loading what="clients" />
            ) : (
              <ul className="pick-list" aria-label="Matching clients">
                {nodes(clients.data?.clients?.edges).map((c) => (
                  <li key={c.id}>
                    <button type="button" onClick={() => setClient(c)}>
                      {c.displayName}
                    </button>{" "}
                    <span className="muted">{c.email || c.phone}</span>
                  </li>
                ))}
                {clients.data?.clients?.edges.length === 0 ? <li className="empty">No client matches.</li> : null}
              </ul>
            )
          ) : null}
        </>
      )}
      {choices.fetching && !choices.data ? <Loading what="services and locations" /> : null}
      <div className="grid2">
        <Select label="Service" value={form.serviceId} onChange={set("serviceId")} error={errors["serviceId"]}>
          <option value="">Choose…</option>
          {services.map((s) => (
            <option key={s.id} value={s.id}>
              {s.name}
            </option>
          ))}
        </Select>
        <Select label="Location" value={form.locationId} onChange={set("locationId")} error={errors["locationId"]}>
          <option value="">Choose…</option>
          {locations.map((l) => (
            <option key={l.id} value={l.id}>
              {l.name}
            </option>
          ))}
        </Select>
        <Select label="Provider" value={form.providerId} onChange={set("providerId")} error={errors["providerId"]}>
          <option value="">Anyone</option>
          {providers.map((p) => (
            <option key={p.id} value={p.id}>
              {p.displayName}
            </option>
          ))}
        </Select>
      </div>
      <div className="grid2">
        <Field label="From day" type="date" value={form.earliest} onChange={set("earliest")} error={errors["earliest"]} />
        <Field label="To day" type="date" value={form.latest} onChange={set("latest")} error={errors["latest"]} />
        <Field label="Not before (time)" type="time" value={form.start} onChange={set("start")} error={errors["windows"]} hint="Optional; the location's time." />
        <Field label="Not after (time)" type="time" value={form.end} onChange={set("end")} />
      </div>
      <FormError message={errors[""]} />
      <div className="actions">
        <button type="submit" className="primary" disabled={state.fetching}>
          Put on the waitlist
        </button>
        <button type="button" onClick={onCancel}>
          Cancel
        </button>
      </div>
    </form>
  );
}
