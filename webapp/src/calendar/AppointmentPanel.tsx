import { useState, type FormEvent } from "react";
import { Link } from "react-router";
import { useMutation } from "urql";
import { errorsByField, requestError } from "../api";
import type { CalendarAppointmentFragment } from "../gql/graphql";
import { formatDateTime, formatTime } from "../tz";
import { Dialog } from "../ui/Dialog";
import { Field, FormError, TextArea } from "../ui/Field";
import { CancelDocument, CheckInDocument, CompleteDocument, ConfirmDocument, NoShowDocument, NotesDocument } from "./documents";
import { STATUS_LABEL } from "./model";
import { AppointmentFormsSection, GateDialog } from "../forms/AppointmentForms";
import type { Readiness } from "../forms/readiness";

type Props = {
  appointment: CalendarAppointmentFragment;
  tz: string;
  canAct: boolean;
  /** Whether the treatment gate lets it be checked in (forms). */
  readiness?: Readiness | undefined;
  onClose: () => void;
  onChanged: () => void;
};

/** One appointment: who, what, when, and what can be done with it now. */
export function AppointmentPanel({ appointment: a, tz, canAct, readiness, onClose, onChanged }: Props) {
  const [error, setError] = useState<string | null>(null);
  const [gate, setGate] = useState<string | null>(null);
  const [cancelling, setCancelling] = useState(false);
  const [reason, setReason] = useState("");
  const [reasonError, setReasonError] = useState<string | undefined>();
  const [confirmState, confirm] = useMutation(ConfirmDocument);
  const [checkInState, checkIn] = useMutation(CheckInDocument);
  const [completeState, complete] = useMutation(CompleteDocument);
  const [noShowState, noShow] = useMutation(NoShowDocument);
  const [cancelState, cancel] = useMutation(CancelDocument);
  const busy =
    confirmState.fetching || checkInState.fetching || completeState.fetching || noShowState.fetching || cancelState.fetching;

  async function act(run: () => Promise<{ errors: readonly { field?: string | null; code: string; message: string }[] } | null | undefined>) {
    setError(null);
    const payload = await run();
    if (!payload) {
      setError("Something went wrong.");
    } else if (payload.errors.length) {
      setError(payload.errors.map((e) => e.message).join(" "));
    } else {
      onChanged();
    }
  }

  async function submitCancel(event: FormEvent) {
    event.preventDefault();
    const result = await cancel({ id: a.id, reason });
    const payload = result.data?.cancelAppointment;
    if (payload && payload.errors.length === 0) {
      onChanged();
      onClose();
    } else {
      const byField = errorsByField(payload?.errors);
      setReasonError(byField["reason"]);
      setError(byField[""] ?? byField["id"] ?? requestError(result.error));
    }
  }

  const started = new Date(a.startsAt) <= new Date();
  const open = a.status === "BOOKED" || a.status === "CONFIRMED";
  return (
    <Dialog title={a.client.displayName} onClose={onClose}>
      <dl className="details">
        <dt>When</dt>
        <dd>
          {formatDateTime(a.startsAt, tz)} to {formatTime(a.endsAt, tz)}
        </dd>
        <dt>Services</dt>
        <dd>{a.services.map((s) => s.service.name).join(", ")}</dd>
        <dt>Provider</dt>
        <dd>{a.provider.displayName}</dd>
        {a.resources.length ? (
          <>
            <dt>Rooms and devices</dt>
            <dd>{a.resources.map((r) => r.name).join(", ")}</dd>
          </>
        ) : null}
        <dt>Status</dt>
        <dd className={`badge status-${a.status.toLowerCase().replace("_", "-")}`}>{STATUS_LABEL[a.status]}</dd>
        {a.notes && !canAct ? (
          <>
            <dt>Notes</dt>
            <dd>{a.notes}</dd>
          </>
        ) : null}
      </dl>
      <AppointmentFormsSection appointmentId={a.id} readiness={readiness} tz={tz} canAct={canAct && (open || a.status === "CHECKED_IN")} onChanged={onChanged} />
      {canAct ? <NotesForm key={a.id} appointmentId={a.id} notes={a.notes} onSaved={onChanged} /> : null}
      <p>
        <Link to={`/clients/${encodeURIComponent(a.client.id)}`}>Client record</Link>
      </p>
      <FormError message={error} />
      {canAct && !cancelling ? (
        <div className="actions">
          {a.status === "BOOKED" ? (
            <button type="button" disabled={busy} onClick={() => act(async () => (await confirm({ id: a.id })).data?.confirmAppointment)}>
              Confirm
            </button>
          ) : null}
          {open ? (
            <button
              type="button"
              className="primary"
              disabled={busy}
              onClick={() =>
                act(async () => {
                  const payload = (await checkIn({ id: a.id })).data?.checkInAppointment;
                  const blocked = payload?.errors.find((e) => e.code === "TREATMENT_GATE_BLOCKED");
                  if (!blocked) return payload;
                  // The gate's refusal is its own dialog (what is missing; a manager may override).
                  setGate(blocked.message);
                  return { errors: [] };
                })
              }
            >
              Check in
            </button>
          ) : null}
          {a.status === "CHECKED_IN" ? (
            <button type="button" className="primary" disabled={busy} onClick={() => act(async () => (await complete({ id: a.id })).data?.completeAppointment)}>
              Complete
            </button>
          ) : null}
          {open && started ? (
            <button type="button" disabled={busy} onClick={() => act(async () => (await noShow({ id: a.id })).data?.markNoShow)}>
              No-show
            </button>
          ) : null}
          {open ? (
            <button type="button" className="danger" disabled={busy} onClick={() => setCancelling(true)}>
              Cancel appointment
            </button>
          ) : null}
        </div>
      ) : null}
      {cancelling ? (
        <form onSubmit={submitCancel} noValidate>
          <Field label="Reason for cancelling" value={reason} maxLength={200} onChange={(e) => setReason(e.target.value)} error={reasonError} />
          <div className="actions">
            <button type="submit" className="danger" disabled={busy}>
              Cancel the appointment
            </button>
            <button type="button" onClick={() => setCancelling(false)}>
              Keep it
            </button>
          </div>
        </form>
      ) : null}
      {gate !== null ? (
        <GateDialog
          appointmentId={a.id}
          readiness={readiness}
          message={gate}
          onClose={() => setGate(null)}
          onCheckedIn={() => {
            setGate(null);
            onChanged();
          }}
        />
      ) : null}
    </Dialog>
  );
}

/** The team's notes on the appointment (never shown to the client); replaced whole. */
function NotesForm({ appointmentId, notes, onSaved }: { appointmentId: string; notes: string; onSaved: () => void }) {
  const [text, setText] = useState(notes);
  const [error, setError] = useState<string | undefined>();
  const [saved, setSaved] = useState(false);
  const [{ fetching }, save] = useMutation(NotesDocument);
  async function submit(event: FormEvent) {
    event.preventDefault();
    setSaved(false);
    const result = await save({ id: appointmentId, notes: text });
    const payload = result.data?.updateAppointmentNotes;
    if (payload?.appointment) {
      setError(undefined);
      setSaved(true);
      onSaved();
    } else {
      const byField = errorsByField(payload?.errors);
      setError(byField["notes"] ?? byField[""] ?? byField["id"] ?? requestError(result.error) ?? "Not saved.");
    }
  }
  return (
    <form onSubmit={submit} noValidate>
      <TextArea label="Notes for the team" rows={3} value={text} onChange={(e) => setText(e.target.value)} error={error} />
      {saved ? <p role="status">Notes saved.</p> : null}
      <button type="submit" disabled={fetching || text === notes}>
        Save notes
      </button>
    </form>
  );
}
