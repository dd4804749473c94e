import { useEffect, useId, useRef, useState, type FormEvent } from "react";
import { useMutation } from "urql";
import { errorsByField, requestError } from "../api";
import { can, MANAGERS, useSession } from "../auth/AuthContext";
import { PatientForms } from "../patient/PatientForms";
import { tokenFromHash } from "../patient/api";
import { formatDateTime } from "../tz";
import { Dialog } from "../ui/Dialog";
import { FormError, TextArea } from "../ui/Field";
import { CheckInGateDocument, SendFormsLinkDocument, StartTabletFormsDocument } from "./documents";
import { BLOCKER_LABEL, ReadinessMark, type Readiness } from "./readiness";
import "./forms.css";

/** An appointment's forms in its panel: Ready, or what is missing, with
 * "Send link" (email or text) and "Fill on tablet". */
export function AppointmentFormsSection({
  appointmentId,
  readiness,
  tz,
  canAct,
  onChanged,
}: {
  appointmentId: string;
  readiness: Readiness | undefined;
  tz: string;
  canAct: boolean;
  onChanged: () => void;
}) {
  const headingId = useId();
  const [notice, setNotice] = useState<string | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [tabletToken, setTabletToken] = useState<string | null>(null);
  const [sendState, send] = useMutation(SendFormsLinkDocument);
  const [tabletState, startTablet] = useMutation(StartTabletFormsDocument);
  if (!readiness) return null;
  const busy = sendState.fetching || tabletState.fetching;

  async function sendLink(channel: "EMAIL" | "SMS") {
    setNotice(null);
    setError(null);
    const result = await send({ appointmentId, channel });
    const payload = result.data?.sendFormsLink;
    if (payload && payload.errors.length === 0 && payload.expiresAt) {
      setNotice(`Link sent by ${channel === "EMAIL" ? "email" : "text"}; it works until ${formatDateTime(payload.expiresAt, tz)}.`);
    } else {
      setError(payload?.errors.map((e) => e.message).join(" ") || requestError(result.error) || "Not sent.");
    }
  }

  async function tablet() {
    setNotice(null);
    setError(null);
    const result = await startTablet({ appointmentId });
    const payload = result.data?.startTabletForms;
    const token = payload?.url ? tokenFromHash(new URL(payload.url, window.location.href).hash) : null;
    if (payload && payload.errors.length === 0 && token) setTabletToken(token);
    else setError(payload?.errors.map((e) => e.message).join(" ") || requestError(result.error) || "The tablet could not start.");
  }

  return (
    <section className="appointment-forms" aria-labelledby={headingId}>
      <h3 id={headingId}>
        Forms <ReadinessMark readiness={readiness} />
      </h3>
      {readiness.ready ? (
        <p>Every form its services require is on file.</p>
      ) : (
        <>
          <ul>
            {readiness.blockers.map((b) => (
              <li key={b.templateId}>
                {b.templateName}: {BLOCKER_LABEL[b.code]}
              </li>
            ))}
          </ul>
          {canAct ? (
            <div className="actions">
              <button type="button" disabled={busy} onClick={() => sendLink("EMAIL")}>
                Send link by email
              </button>
              <button type="button" disabled={busy} onClick={() => sendLink("SMS")}>
                Send link by text
              </button>
              <button type="button" disabled={busy} onClick={tablet}>
                Fill on tablet
              </button>
            </div>
          ) : null}
        </>
      )}
      {notice ? <p role="status">{notice}</p> : null}
      <FormError message={error} />
      {tabletToken ? (
        <TabletMode
          token={tabletToken}
          onLeave={() => {
            setTabletToken(null);
            onChanged();
          }}
        />
      ) : null}
    </section>
  );
}

/** The desk's tablet: the patient's forms full screen; leaving asks the staff
 * member to confirm (the patient's unsent answers would be lost). */
export function TabletMode({ token, onLeave }: { token: string; onLeave: () => void }) {
  const ref = useRef<HTMLDialogElement>(null);
  const [confirming, setConfirming] = useState(false);
  useEffect(() => {
    const dialog = ref.current;
    if (dialog && !dialog.open) {
      if (typeof dialog.showModal === "function") dialog.showModal();
      else dialog.setAttribute("open", "");
    }
    return () => dialog?.close();
  }, []);
  return (
    <dialog
      ref={ref}
      className="tablet"
      aria-label="Tablet mode: the patient's forms"
      onCancel={(e) => {
        e.preventDefault();
        setConfirming(true);
      }}
    >
      <div className="tablet-bar">
        <strong>Tablet mode</strong>
        {confirming ? (
          <div role="alertdialog" aria-label="Leave tablet mode?" className="notice">
            <p>Leave tablet mode? Answers not yet sent are lost.</p>
            <div className="actions">
              <button type="button" className="danger" onClick={onLeave}>
                Leave tablet mode
              </button>
              <button type="button" autoFocus onClick={() => setConfirming(false)}>
                Stay
              </button>
            </div>
          </div>
        ) : (
          <button type="button" onClick={() => setConfirming(true)}>
            Leave tablet mode…
          </button>
        )}
      </div>
      <PatientForms token={token} embedded />
    </dialog>
  );
}

/** Check-in refused by the treatment gate: what is missing, and for an owner
 * or manager, checking in anyway with a reason (recorded and audited). */
export function GateDialog({
  appointmentId,
  readiness,
  message,
  onClose,
  onCheckedIn,
}: {
  appointmentId: string;
  readiness: Readiness | undefined;
  message: string;
  onClose: () => void;
  onCheckedIn: () => void;
}) {
  const { me } = useSession();
  const manager = can(me.role, MANAGERS);
  // A consent the patient declined is theirs to change: the server refuses any override.
  const declined = (readiness?.blockers ?? []).some((b) => b.code === "FORM_DECLINED");
  const [reason, setReason] = useState("");
  const [errors, setErrors] = useState<Record<string, string>>({});
  const [state, checkIn] = useMutation(CheckInGateDocument);
  async function submit(event: FormEvent) {
    event.preventDefault();
    const result = await checkIn({ id: appointmentId, overrideReason: reason });
    const payload = result.data?.checkInAppointment;
    if (payload?.appointment && payload.errors.length === 0) {
      onCheckedIn();
      return;
    }
    const byField = errorsByField(payload?.errors);
    setErrors({ overrideReason: byField["overrideReason"] ?? "", "": byField[""] ?? byField["id"] ?? requestError(result.error) ?? "" });
  }
  return (
    <Dialog title="Forms missing: not checked in" onClose={onClose}>
      <p>{message}</p>
      {readiness && readiness.blockers.length ? (
        <ul>
          {readiness.blockers.map((b) => (
            <li key={b.templateId}>
              {b.templateName}: {BLOCKER_LABEL[b.code]}
            </li>
          ))}
        </ul>
      ) : null}
      {declined ? (
        <>
          <p>The client declined a consent: they must sign it again before treatment. No one can check them in without it.</p>
          <div className="actions">
            <button type="button" onClick={onClose}>
              Close
            </button>
          </div>
        </>
      ) : manager ? (
        <form onSubmit={submit} noValidate>
          <TextArea
            label="Reason for checking in without them"
            rows={3}
            maxLength={1000}
            value={reason}
            error={errors["overrideReason"] || undefined}
            onChange={(e) => setReason(e.target.value)}
          />
          <FormError message={errors[""] || null} />
          <div className="actions">
            <button type="submit" className="danger" disabled={state.fetching}>
              Check in anyway
            </button>
            <button type="button" onClick={onClose}>
              Keep waiting
            </button>
          </div>
        </form>
      ) : (
        <>
          <p>Only an owner or a manager can check a client in without them.</p>
          <div className="actions">
            <button type="button" onClick={onClose}>
              Close
            </button>
          </div>
        </>
      )}
    </Dialog>
  );
}
