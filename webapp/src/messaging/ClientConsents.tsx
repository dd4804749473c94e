import { useState, type FormEvent } from "react";
import { useMutation, useQuery } from "urql";
import { errorsByField, requestError } from "../api";
import type { MessageChannel, MessagePurpose, MessagingConsentSource } from "../gql/graphql";
import { formatDateTime } from "../tz";
import { FormError, Loading, Select } from "../ui/Field";
import { ConsentsDocument, RecordConsentDocument } from "./documents";
import { CHANNEL_LABEL, PURPOSE_LABEL, reasonText, SOURCE_LABEL } from "./labels";
import { TextArea } from "./TextArea";
import "./messaging.css";

// What the desk reads out or shows, by default, for each purpose.
const DEFAULT_TEXT: Record<MessagePurpose, string> = {
  APPOINTMENT: "May we send you appointment confirmations and reminders?",
  MARKETING: "May we send you offers and news? You can stop at any time.",
};
const DESK_SOURCES: MessagingConsentSource[] = ["IN_PERSON", "PAPER_FORM", "PHONE", "EMAIL", "WEB_FORM"];

/** A client's consent per channel and purpose, and recording a new decision
 * (front desk, managers, owners). Shown on the client's page. */
export function ClientConsents({ clientId, tz }: { clientId: string; tz: string }) {
  const [{ data, fetching, error }] = useQuery({ query: ConsentsDocument, variables: { clientId } });
  const [recordState, record] = useMutation(RecordConsentDocument);
  const [channel, setChannel] = useState<MessageChannel>("SMS");
  const [purpose, setPurpose] = useState<MessagePurpose>("APPOINTMENT");
  const [granted, setGranted] = useState<"yes" | "no">("yes");
  const [source, setSource] = useState<MessagingConsentSource>("IN_PERSON");
  const [text, setText] = useState(DEFAULT_TEXT.APPOINTMENT);
  const [errors, setErrors] = useState<Record<string, string>>({});
  const [saved, setSaved] = useState<string | null>(null);

  const consents = data?.clientMessagingConsents;

  async function submit(event: FormEvent) {
    event.preventDefault();
    if (!text.trim()) {
      setErrors({ textShown: "Give the text the client was shown or read." });
      return;
    }
    const result = await record({ clientId, channel, purpose, granted: granted === "yes", source, textShown: text });
    const payload = result.data?.recordMessagingConsent;
    const ok = !!payload?.consents && payload.errors.length === 0;
    setSaved(ok ? `Recorded: ${PURPOSE_LABEL[purpose]} by ${CHANNEL_LABEL[channel]} ${granted === "yes" ? "allowed" : "refused"}.` : null);
    setErrors({ ...errorsByField(payload?.errors), ...(result.error ? { "": requestError(result.error) ?? "" } : {}) });
  }

  return (
    <div className="card" aria-labelledby="consents-title" role="region">
      <h2 id="consents-title">Messaging consent</h2>
      {fetching && !data ? <Loading what="consents" /> : null}
      <FormError message={requestError(error)} />
      {consents ? (
        <table className="list consents">
          <thead>
            <tr>
              <th scope="col">Channel</th>
              <th scope="col">Purpose</th>
              <th scope="col">May we message?</th>
              <th scope="col">Decision in force</th>
            </tr>
          </thead>
          <tbody>
            {consents.states.map((s) => (
              <tr key={`${s.channel}-${s.purpose}`} data-consent={`${s.channel}-${s.purpose}`}>
                <td>{CHANNEL_LABEL[s.channel]}</td>
                <td>{PURPOSE_LABEL[s.purpose]}</td>
                <td>
                  {s.allowed ? "Yes" : "No"}
                  {s.reason ? <div className="why">{reasonText(s.reason)}</div> : null}
                </td>
                <td>
                  {s.latest ? (
                    <>
                      {s.latest.granted ? "Granted" : "Refused"}
                      {s.latest.written ? ", in writing" : ""} · {SOURCE_LABEL[s.latest.source]}
                      <div className="why">{formatDateTime(s.latest.recordedAt, tz)}</div>
                    </>
                  ) : (
                    <span className="muted">None recorded</span>
                  )}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      ) : null}
      <form onSubmit={submit} noValidate aria-labelledby="record-consent-title">
        <h3 id="record-consent-title">Record a decision</h3>
        <div className="grid2">
          <Select label="Channel" value={channel} onChange={(e) => setChannel(e.target.value as MessageChannel)} error={errors["channel"]}>
            <option value="SMS">{CHANNEL_LABEL.SMS}</option>
            <option value="EMAIL">{CHANNEL_LABEL.EMAIL}</option>
          </Select>
          <Select
            label="Purpose"
            value={purpose}
            onChange={(e) => {
              const next = e.target.value as MessagePurpose;
              if (text === DEFAULT_TEXT[purpose]) setText(DEFAULT_TEXT[next]);
              setPurpose(next);
            }}
            error={errors["purpose"]}
          >
            <option value="APPOINTMENT">{PURPOSE_LABEL.APPOINTMENT}</option>
            <option value="MARKETING">{PURPOSE_LABEL.MARKETING}</option>
          </Select>
          <Select label="How it was given" value={source} onChange={(e) => setSource(e.target.value as MessagingConsentSource)} error={errors["source"]}>
            {DESK_SOURCES.map((s) => (
              <option key={s} value={s}>
                {SOURCE_LABEL[s]}
              </option>
            ))}
          </Select>
        </div>
        <fieldset>
          <legend>The client's answer</legend>
          <label className="check">
            <input type="radio" name={`granted-${clientId}`} checked={granted === "yes"} onChange={() => setGranted("yes")} /> Yes, allowed
          </label>{" "}
          <label className="check">
            <input type="radio" name={`granted-${clientId}`} checked={granted === "no"} onChange={() => setGranted("no")} /> No, refused
          </label>
        </fieldset>
        <TextArea label="Text the client was shown" rows={2} value={text} onChange={(e) => setText(e.target.value)} error={errors["textShown"]} />
        {purpose === "MARKETING" ? <p className="hint">Marketing needs written consent: a signed paper form, a web form or an email.</p> : null}
        <FormError message={errors[""] ?? errors["clientId"]} />
        {saved ? <p role="status">{saved}</p> : null}
        <button type="submit" className="primary" disabled={recordState.fetching}>
          Record decision
        </button>
      </form>
    </div>
  );
}
