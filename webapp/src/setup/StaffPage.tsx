import { useState, type FormEvent } from "react";
import { useMutation, useQuery } from "urql";
import { errorsByField, requestError } from "../api";
import { useSession } from "../auth/AuthContext";
import { graphql } from "../gql";
import type { Credential, StaffPageQuery, TimeOffKind } from "../gql/graphql";
import { formatDateTime, fromWall } from "../tz";
import { Empty, Field, FormError, Loading, Select } from "../ui/Field";

const StaffPageDocument = graphql(`
  query StaffPage {
    staff(first: 100) {
      edges {
        node {
          id
          displayName
          isProvider
          isActive
          credentials {
            id
            kind
            licenceNumber
            issuingRegion
            expiresOn
            isExpired
          }
          workingHours {
            weekday
            startsAt
            endsAt
            location {
              id
            }
          }
          upcomingTimeOff {
            id
            kind
            startsAt
            endsAt
            reason
          }
        }
      }
    }
  }
`);

const UpdateStaffDocument = graphql(`
  mutation UpdateStaffMember($id: ID!, $input: UpdateStaffMemberInput!) {
    updateStaffMember(id: $id, input: $input) {
      errors {
        field
        code
        message
      }
    }
  }
`);

const SetCredentialDocument = graphql(`
  mutation SetCredential($staffMemberId: ID!, $input: StaffCredentialInput!) {
    setCredential(staffMemberId: $staffMemberId, input: $input) {
      errors {
        field
        code
        message
      }
    }
  }
`);

const SetWorkingHoursDocument = graphql(`
  mutation SetWorkingHours($staffMemberId: ID!, $locationId: ID!, $hours: [WorkingHoursInput!]!) {
    setWorkingHours(staffMemberId: $staffMemberId, locationId: $locationId, hours: $hours) {
      errors {
        field
        code
        message
      }
    }
  }
`);

const AddTimeOffDocument = graphql(`
  mutation AddTimeOff($staffMemberId: ID!, $input: TimeOffInput!) {
    addTimeOff(staffMemberId: $staffMemberId, input: $input) {
      errors {
        field
        code
        message
      }
    }
  }
`);

const RemoveTimeOffDocument = graphql(`
  mutation RemoveTimeOff($id: ID!) {
    removeTimeOff(id: $id) {
      errors {
        field
        code
        message
      }
    }
  }
`);

type Member = NonNullable<NonNullable<NonNullable<StaffPageQuery["staff"]>["edges"][number]>["node"]>;
const DAYS = ["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"];
const CREDENTIALS: [Credential, string][] = [
  ["RN", "Registered nurse"],
  ["NP", "Nurse practitioner"],
  ["PA", "Physician assistant"],
  ["MD", "Physician"],
];

export default function StaffPage() {
  const [{ data, fetching, error }, refetch] = useQuery({ query: StaffPageDocument });
  const staff = (data?.staff?.edges ?? []).flatMap((e) => (e?.node ? [e.node] : []));
  const [open, setOpen] = useState<string | null>(null);
  const reload = () => refetch({ requestPolicy: "network-only" });
  return (
    <section className="page">
      <h1>Staff</h1>
      <p className="muted">People join the staff by accepting an invitation (Team).</p>
      <FormError message={requestError(error)} />
      {fetching && !data ? <Loading what="the staff" /> : null}
      {data && staff.length === 0 ? <Empty>No staff yet.</Empty> : null}
      {staff.map((m) => (
        <div className="card" key={m.id}>
          <div className="toolbar">
            <h2>{m.displayName}</h2>
            <span className="muted">
              {m.isProvider ? "Provider" : "Staff"}
              {m.isActive ? "" : " · inactive"}
            </span>
            <button type="button" aria-expanded={open === m.id} onClick={() => setOpen(open === m.id ? null : m.id)}>
              {open === m.id ? "Close" : `Edit ${m.displayName}`}
            </button>
          </div>
          {open === m.id ? <StaffEditor member={m} onChanged={reload} /> : null}
        </div>
      ))}
    </section>
  );
}

function StaffEditor({ member, onChanged }: { member: Member; onChanged: () => void }) {
  const { locations, spa } = useSession();
  const [error, setError] = useState<string | null>(null);
  const [, update] = useMutation(UpdateStaffDocument);
  async function toggle(input: { isProvider?: boolean; isActive?: boolean }) {
    const result = await update({ id: member.id, input });
    const payload = result.data?.updateStaffMember;
    setError(payload?.errors.map((e) => e.message).join(" ") || requestError(result.error));
    onChanged();
  }
  return (
    <div>
      <div className="actions">
        <label className="check">
          <input type="checkbox" checked={member.isProvider} onChange={(e) => void toggle({ isProvider: e.target.checked })} /> Books clients (provider)
        </label>
        <label className="check">
          <input type="checkbox" checked={member.isActive} onChange={(e) => void toggle({ isActive: e.target.checked })} /> Active
        </label>
      </div>
      <FormError message={error} />
      <h3>Licences</h3>
      {member.credentials.length === 0 ? <Empty>No licence on record.</Empty> : null}
      <ul>
        {member.credentials.map((c) => (
          <li key={c.id}>
            {CREDENTIALS.find(([k]) => k === c.kind)?.[1]} {c.licenceNumber} ({c.issuingRegion}), expires {c.expiresOn}
            {c.isExpired ? <strong> expired</strong> : null}
          </li>
        ))}
      </ul>
      <CredentialForm staffMemberId={member.id} onSaved={onChanged} />
      <h3>Working hours</h3>
      {locations.map((l) => (
        <HoursForm
          key={l.id}
          staffMemberId={member.id}
          locationId={l.id}
          locationName={l.name}
          hours={member.workingHours.filter((h) => h.location.id === l.id)}
          onSaved={onChanged}
        />
      ))}
      <h3>Time off</h3>
      {member.upcomingTimeOff.length === 0 ? <Empty>No time off ahead.</Empty> : null}
      <ul>
        {member.upcomingTimeOff.map((t) => (
          <li key={t.id}>
            {t.kind === "BLOCKED" ? "Blocked" : "Time off"}: {formatDateTime(t.startsAt, spa.timezone)} to{" "}
            {formatDateTime(t.endsAt, spa.timezone)} {t.reason ? `(${t.reason})` : ""}
            <RemoveTimeOff id={t.id} onRemoved={onChanged} />
          </li>
        ))}
      </ul>
      <TimeOffForm staffMemberId={member.id} tz={spa.timezone} onSaved={onChanged} />
    </div>
  );
}

function CredentialForm({ staffMemberId, onSaved }: { staffMemberId: string; onSaved: () => void }) {
  const [f, setF] = useState({ kind: "RN" as Credential, licenceNumber: "", issuingRegion: "", expiresOn: "" });
  const [errors, setErrors] = useState<Record<string, string>>({});
  const [{ fetching }, save] = useMutation(SetCredentialDocument);
  async function submit(event: FormEvent) {
    event.preventDefault();
    const result = await save({ staffMemberId, input: f });
    const payload = result.data?.setCredential;
    if (payload && payload.errors.length === 0) {
      setErrors({});
      onSaved();
    } else setErrors({ ...errorsByField(payload?.errors), ...(result.error ? { "": requestError(result.error) ?? "" } : {}) });
  }
  return (
    <form onSubmit={submit} noValidate className="grid2">
      <Select label="Licence" value={f.kind} onChange={(e) => setF({ ...f, kind: e.target.value as Credential })} error={errors["kind"]}>
        {CREDENTIALS.map(([k, label]) => (
          <option key={k} value={k}>
            {label}
          </option>
        ))}
      </Select>
      <Field label="Licence number" value={f.licenceNumber} onChange={(e) => setF({ ...f, licenceNumber: e.target.value })} error={errors["licenceNumber"]} />
      <Field label="Issued in (state or region)" value={f.issuingRegion} onChange={(e) => setF({ ...f, issuingRegion: e.target.value })} error={errors["issuingRegion"]} />
      <Field label="Expires on" type="date" value={f.expiresOn} onChange={(e) => setF({ ...f, expiresOn: e.target.value })} error={errors["expiresOn"]} />
      <FormError message={errors[""]} />
      <div>
        <button type="submit" disabled={fetching}>
          Save licence
        </button>
      </div>
    </form>
  );
}

type Hours = { weekday: number; startsAt: string; endsAt: string };

function HoursForm(props: { staffMemberId: string; locationId: string; locationName: string; hours: Hours[]; onSaved: () => void }) {
  const [rows, setRows] = useState(() =>
    DAYS.map((_, i) => {
      const h = props.hours.find((x) => x.weekday === i + 1);
      return { on: !!h, startsAt: h?.startsAt.slice(0, 5) ?? "09:00", endsAt: h?.endsAt.slice(0, 5) ?? "17:00" };
    }),
  );
  const [errors, setErrors] = useState<Record<string, string>>({});
  const [saved, setSaved] = useState(false);
  const [{ fetching }, save] = useMutation(SetWorkingHoursDocument);
  async function submit(event: FormEvent) {
    event.preventDefault();
    const hours = rows.flatMap((r, i) => (r.on ? [{ weekday: i + 1, startsAt: r.startsAt, endsAt: r.endsAt }] : []));
    const result = await save({ staffMemberId: props.staffMemberId, locationId: props.locationId, hours });
    const payload = result.data?.setWorkingHours;
    setSaved(!!payload && payload.errors.length === 0);
    setErrors({ ...errorsByField(payload?.errors), ...(result.error ? { "": requestError(result.error) ?? "" } : {}) });
    if (payload && payload.errors.length === 0) props.onSaved();
  }
  return (
    <form onSubmit={submit} noValidate>
      <fieldset>
        <legend>At {props.locationName}</legend>
        {rows.map((r, i) => (
          <div className="hours-row" key={DAYS[i]}>
            <label className="check">
              <input type="checkbox" checked={r.on} onChange={(e) => setRows(rows.map((x, j) => (j === i ? { ...x, on: e.target.checked } : x)))} /> {DAYS[i]}
            </label>
            <Field label={`${DAYS[i]} from`} type="time" value={r.startsAt} disabled={!r.on} onChange={(e) => setRows(rows.map((x, j) => (j === i ? { ...x, startsAt: e.target.value } : x)))} />
            <Field label={`${DAYS[i]} to`} type="time" value={r.endsAt} disabled={!r.on} onChange={(e) => setRows(rows.map((x, j) => (j === i ? { ...x, endsAt: e.target.value } : x)))} />
          </div>
        ))}
      </fieldset>
      <FormError message={errors["hours"] ?? errors[""]} />
      {saved ? <p role="status">Working hours saved.</p> : null}
      <button type="submit" disabled={fetching}>
        Save hours at {props.locationName}
      </button>
    </form>
  );
}

function TimeOffForm({ staffMemberId, tz, onSaved }: { staffMemberId: string; tz: string; onSaved: () => void }) {
  const [f, setF] = useState({ kind: "TIME_OFF" as TimeOffKind, startsAt: "", endsAt: "", reason: "" });
  const [errors, setErrors] = useState<Record<string, string>>({});
  const [{ fetching }, add] = useMutation(AddTimeOffDocument);
  const instant = (local: string) => (local ? fromWall(new Date(local), tz).toISOString() : "");
  async function submit(event: FormEvent) {
    event.preventDefault();
    const result = await add({
      staffMemberId,
      input: { kind: f.kind, startsAt: instant(f.startsAt), endsAt: instant(f.endsAt), reason: f.reason },
    });
    const payload = result.data?.addTimeOff;
    if (payload && payload.errors.length === 0) {
      setErrors({});
      setF({ ...f, startsAt: "", endsAt: "", reason: "" });
      onSaved();
    } else setErrors({ ...errorsByField(payload?.errors), ...(result.error ? { "": requestError(result.error) ?? "" } : {}) });
  }
  return (
    <form onSubmit={submit} noValidate className="grid2">
      <Select label="Kind" value={f.kind} onChange={(e) => setF({ ...f, kind: e.target.value as TimeOffKind })}>
        <option value="TIME_OFF">Time off</option>
        <option value="BLOCKED">Blocked time</option>
      </Select>
      <Field label="From" type="datetime-local" value={f.startsAt} onChange={(e) => setF({ ...f, startsAt: e.target.value })} error={errors["startsAt"]} />
      <Field label="Until" type="datetime-local" value={f.endsAt} onChange={(e) => setF({ ...f, endsAt: e.target.value })} error={errors["endsAt"]} />
      <Field label="Reason" value={f.reason} onChange={(e) => setF({ ...f, reason: e.target.value })} error={errors["reason"]} />
      <FormError message={errors[""]} />
      <div>
        <button type="submit" disabled={fetching}>
          Add time off
        </button>
      </div>
    </form>
  );
}

function RemoveTimeOff({ id, onRemoved }: { id: string; onRemoved: () => void }) {
  const [{ fetching }, remove] = useMutation(RemoveTimeOffDocument);
  return (
    <button
      type="button"
      disabled={fetching}
      onClick={async () => {
        await remove({ id });
        onRemoved();
      }}
    >
      Remove
    </button>
  );
}
