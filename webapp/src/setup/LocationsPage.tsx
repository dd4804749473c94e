import { useState, type FormEvent } from "react";
import { useMutation, useQuery } from "urql";
import { errorsByField, requestError } from "../api";
import { useSession } from "../auth/AuthContext";
import { graphql } from "../gql";
import { Empty, Field, FormError, Loading, Select } from "../ui/Field";
import { LocationForm, UpdateLocationDocument, type LocationDetails } from "./LocationForm";

const LocationsDocument = graphql(`
  query SetupLocations {
    locations(first: 100) {
      edges {
        node {
          id
          name
          addressLine1
          addressLine2
          city
          region
          postalCode
          country
          timezone
          phone
          isActive
          hours {
            weekday
            opensAt
            closesAt
          }
        }
      }
    }
    resourceTypes(first: 100) {
      edges {
        node {
          id
          name
          kind
        }
      }
    }
    resources(first: 100) {
      edges {
        node {
          id
          name
          kind
          isActive
          location {
            id
          }
          resourceType {
            name
          }
        }
      }
    }
  }
`);

const SetHoursDocument = graphql(`
  mutation SetLocationHours($locationId: ID!, $hours: [LocationHoursInput!]!) {
    setLocationHours(locationId: $locationId, hours: $hours) {
      location {
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

const CreateResourceTypeDocument = graphql(`
  mutation CreateResourceType($input: CreateResourceTypeInput!) {
    createResourceType(input: $input) {
      resourceType {
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

const CreateResourceDocument = graphql(`
  mutation CreateResource($input: CreateResourceInput!) {
    createResource(input: $input) {
      resource {
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

const DAYS = ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"];

type Hours = { weekday: number; opensAt: string; closesAt: string };

export default function LocationsPage() {
  const [{ data, fetching, error }, refetch] = useQuery({ query: LocationsDocument });
  const locations = (data?.locations?.edges ?? []).flatMap((e) => (e?.node ? [e.node] : []));
  const resources = (data?.resources?.edges ?? []).flatMap((e) => (e?.node ? [e.node] : []));
  const types = (data?.resourceTypes?.edges ?? []).flatMap((e) => (e?.node ? [e.node] : []));
  const reload = () => refetch({ requestPolicy: "network-only" });
  return (
    <section className="page">
      <h1>Locations</h1>
      <FormError message={requestError(error)} />
      {fetching && !data ? <Loading what="locations" /> : null}
      {data && locations.length === 0 ? <Empty>No locations yet.</Empty> : null}
      {locations.map((l) => (
        <div className="card" key={l.id}>
          <LocationHeader location={l} isActive={l.isActive} onSaved={reload} />
          <HoursForm locationId={l.id} hours={l.hours} onSaved={reload} />
          <h3>Rooms and devices</h3>
          <ul>
            {resources
              .filter((r) => r.location.id === l.id)
              .map((r) => (
                <li key={r.id}>
                  {r.name} <span className="muted">({r.resourceType.name}{r.isActive ? "" : ", retired"})</span>
                </li>
              ))}
          </ul>
          <NewResource locationId={l.id} locationName={l.name} types={types} onSaved={reload} />
        </div>
      ))}
      <NewLocation onSaved={reload} />
      <NewResourceType onSaved={reload} />
    </section>
  );
}

/** A location's name and address; editing them; closing or reopening it. */
function LocationHeader({ location: l, isActive, onSaved }: { location: LocationDetails; isActive: boolean; onSaved: () => void }) {
  const [editing, setEditing] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const [status, setStatus] = useState<string | null>(null);
  const [{ fetching }, update] = useMutation(UpdateLocationDocument);
  async function setOpen(open: boolean) {
    setError(null);
    setStatus(null);
    const result = await update({ id: l.id, input: { isActive: open } });
    const payload = result.data?.updateLocation;
    if (payload?.location) {
      setStatus(open ? `${l.name} is open again.` : `${l.name} is closed; its records are kept.`);
      onSaved();
    } else setError(payload?.errors.map((e) => e.message).join(" ") || requestError(result.error));
  }
  const address = [l.addressLine1, l.addressLine2, l.city, l.region, l.postalCode, l.country].filter(Boolean).join(", ");
  return (
    <>
      <h2>
        {l.name} {isActive ? null : <span className="badge">closed</span>}
      </h2>
      {editing ? (
        <LocationForm
          location={l}
          defaultTimezone={l.timezone}
          onSaved={(name) => {
            setEditing(false);
            setStatus(`${name} saved.`);
            onSaved();
          }}
          onCancel={() => setEditing(false)}
        />
      ) : (
        <p className="muted">
          {address || "No address yet"} · {l.timezone}
          {l.phone ? ` · ${l.phone}` : ""}
        </p>
      )}
      <FormError message={error} />
      {status ? <p role="status">{status}</p> : null}
      {editing ? null : (
        <div className="actions">
          <button type="button" onClick={() => setEditing(true)}>
            Edit details <span className="sr-only">of {l.name}</span>
          </button>
          <button type="button" className={isActive ? "danger" : undefined} disabled={fetching} onClick={() => setOpen(!isActive)}>
            {isActive ? "Close location" : "Reopen location"} <span className="sr-only">{l.name}</span>
          </button>
        </div>
      )}
    </>
  );
}

function NewLocation({ onSaved }: { onSaved: () => void }) {
  const { spa } = useSession();
  const [status, setStatus] = useState<string | null>(null);
  return (
    <div className="card">
      <h2>New location</h2>
      <LocationForm
        defaultTimezone={spa.timezone}
        onSaved={(name) => {
          setStatus(`${name} is open. Set its hours and rooms below.`);
          onSaved();
        }}
      />
      {status ? <p role="status">{status}</p> : null}
    </div>
  );
}

function HoursForm({ locationId, hours, onSaved }: { locationId: string; hours: Hours[]; onSaved: () => void }) {
  const [rows, setRows] = useState(() =>
    DAYS.map((_, i) => {
      const h = hours.find((x) => x.weekday === i + 1);
      return { open: !!h, opensAt: h?.opensAt.slice(0, 5) ?? "09:00", closesAt: h?.closesAt.slice(0, 5) ?? "17:00" };
    }),
  );
  const [errors, setErrors] = useState<Record<string, string>>({});
  const [saved, setSaved] = useState(false);
  const [{ fetching }, save] = useMutation(SetHoursDocument);
  async function submit(event: FormEvent) {
    event.preventDefault();
    const input = rows.flatMap((r, i) => (r.open ? [{ weekday: i + 1, opensAt: r.opensAt, closesAt: r.closesAt }] : []));
    const result = await save({ locationId, hours: input });
    const payload = result.data?.setLocationHours;
    if (payload?.location) {
      setSaved(true);
      setErrors({});
      onSaved();
    } else setErrors({ ...errorsByField(payload?.errors), ...(result.error ? { "": requestError(result.error) ?? "" } : {}) });
  }
  return (
    <form onSubmit={submit} noValidate>
      <fieldset>
        <legend>Opening hours</legend>
        {rows.map((r, i) => (
          <div className="hours-row" key={DAYS[i]}>
            <label className="check">
              <input type="checkbox" checked={r.open} onChange={(e) => setRows(rows.map((x, j) => (j === i ? { ...x, open: e.target.checked } : x)))} />{" "}
              {DAYS[i]}
            </label>
            <Field label={`${DAYS[i]} opens`} type="time" value={r.opensAt} disabled={!r.open} onChange={(e) => setRows(rows.map((x, j) => (j === i ? { ...x, opensAt: e.target.value } : x)))} />
            <Field label={`${DAYS[i]} closes`} type="time" value={r.closesAt} disabled={!r.open} onChange={(e) => setRows(rows.map((x, j) => (j === i ? { ...x, closesAt: e.target.value } : x)))} />
          </div>
        ))}
      </fieldset>
      <FormError message={errors["hours"] ?? errors[""]} />
      {saved ? <p role="status">Hours saved.</p> : null}
      <button type="submit" disabled={fetching}>
        Save hours
      </button>
    </form>
  );
}

function NewResourceType({ onSaved }: { onSaved: () => void }) {
  const [name, setName] = useState("");
  const [kind, setKind] = useState<"ROOM" | "DEVICE">("ROOM");
  const [errors, setErrors] = useState<Record<string, string>>({});
  const [{ fetching }, create] = useMutation(CreateResourceTypeDocument);
  async function submit(event: FormEvent) {
    event.preventDefault();
    const result = await create({ input: { name, kind } });
    const payload = result.data?.createResourceType;
    if (payload?.resourceType) {
      setName("");
      setErrors({});
      onSaved();
    } else setErrors({ ...errorsByField(payload?.errors), ...(result.error ? { "": requestError(result.error) ?? "" } : {}) });
  }
  return (
    <form className="card" onSubmit={submit} noValidate>
      <h2>New kind of room or device</h2>
      <div className="grid2">
        <Field label="Kind name" value={name} onChange={(e) => setName(e.target.value)} error={errors["name"]} />
        <Select label="Room or device" value={kind} onChange={(e) => setKind(e.target.value === "DEVICE" ? "DEVICE" : "ROOM")}>
          <option value="ROOM">Room</option>
          <option value="DEVICE">Device</option>
        </Select>
      </div>
      <FormError message={errors[""]} />
      <button type="submit" disabled={fetching}>
        Add kind
      </button>
    </form>
  );
}

function NewResource(props: { locationId: string; locationName: string; types: { id: string; name: string }[]; onSaved: () => void }) {
  const [name, setName] = useState("");
  const [typeId, setTypeId] = useState("");
  const [errors, setErrors] = useState<Record<string, string>>({});
  const [{ fetching }, create] = useMutation(CreateResourceDocument);
  async function submit(event: FormEvent) {
    event.preventDefault();
    const resourceTypeId = typeId || props.types[0]?.id || "";
    const result = await create({ input: { name, resourceTypeId, locationId: props.locationId } });
    const payload = result.data?.createResource;
    if (payload?.resource) {
      setName("");
      setErrors({});
      props.onSaved();
    } else setErrors({ ...errorsByField(payload?.errors), ...(result.error ? { "": requestError(result.error) ?? "" } : {}) });
  }
  return (
    <form onSubmit={submit} noValidate className="grid2">
      <Field label={`New room or device at ${props.locationName}`} value={name} onChange={(e) => setName(e.target.value)} error={errors["name"]} />
      <Select label="Its kind" value={typeId} onChange={(e) => setTypeId(e.target.value)} error={errors["resourceTypeId"]}>
        {props.types.length === 0 ? <option value="">Add a kind first</option> : null}
        {props.types.map((t) => (
          <option key={t.id} value={t.id}>
            {t.name}
          </option>
        ))}
      </Select>
      <FormError message={errors[""] ?? errors["locationId"]} />
      <div>
        <button type="submit" disabled={fetching}>
          Add room or device
        </button>
      </div>
    </form>
  );
}
