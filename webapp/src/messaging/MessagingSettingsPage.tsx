import { useEffect, useState, type FormEvent } from "react";
import { useMutation, useQuery } from "urql";
import { errorsByField, requestError } from "../api";
import type { MessageChannel, WaitlistMode } from "../gql/graphql";
import { Empty, Field, FormError, Loading, Select } from "../ui/Field";
import { MessagingSettingsDocument, SetReminderScheduleDocument, UpdateMessagingSettingsDocument } from "./documents";
import { CHANNEL_LABEL, leadTime } from "./labels";
import "./messaging.css";

type Unit = "minutes" | "hours" | "days";
const UNIT_MINUTES: Record<Unit, number> = { minutes: 1, hours: 60, days: 1440 };
type RuleRow = { key: number; channel: MessageChannel; amount: string; unit: Unit; onlyIfUnconfirmed: boolean };

let nextKey = 1;
function toRow(rule: { channel: MessageChannel; minutesBefore: number; onlyIfUnconfirmed: boolean }): RuleRow {
  const unit: Unit = rule.minutesBefore % 1440 === 0 ? "days" : rule.minutesBefore % 60 === 0 ? "hours" : "minutes";
  return {
    key: nextKey++,
    channel: rule.channel,
    amount: String(rule.minutesBefore / UNIT_MINUTES[unit]),
    unit,
    onlyIfUnconfirmed: rule.onlyIfUnconfirmed,
  };
}

/** The reminder schedule and how freed slots are offered to the waitlist (managers and owners). */
export default function MessagingSettingsPage() {
  const [{ data, fetching, error }] = useQuery({ query: MessagingSettingsDocument });
  if (fetching && !data) return <Loading what="the messaging settings" />;
  if (!data) return <FormError message={requestError(error) ?? "The settings could not be loaded."} />;
  const settings = data.messagingSettings;
  return (
    <section className="page">
      <h1>Messaging settings</h1>
      <ReminderSchedule rules={settings.reminderRules} />
      <WaitlistSettings mode={settings.waitlistMode} holdMinutes={settings.waitlistHoldMinutes} />
    </section>
  );
}

function ReminderSchedule({ rules }: { rules: readonly { channel: MessageChannel; minutesBefore: number; onlyIfUnconfirmed: boolean }[] }) {
  const [rows, setRows] = useState<RuleRow[]>(() => rules.map(toRow));
  const [errors, setErrors] = useState<Record<string, string>>({});
  const [saved, setSaved] = useState<string | null>(null);
  const [state, setSchedule] = useMutation(SetReminderScheduleDocument);
  useEffect(() => setRows(rules.map(toRow)), [rules]);
  const change = (key: number, patch: Partial<RuleRow>) => setRows(rows.map((r) => (r.key === key ? { ...r, ...patch } : r)));

  async function submit(event: FormEvent) {
    event.preventDefault();
    const bad = rows.find((r) => !/^\d+$/.test(r.amount.trim()) || Number(r.amount) <= 0);
    if (bad) {
      setErrors({ [`row-${bad.key}`]: "Enter a whole number above 0." });
      return;
    }
    const result = await setSchedule({
      rules: rows.map((r) => ({
        channel: r.channel,
        minutesBefore: Number(r.amount) * UNIT_MINUTES[r.unit],
        onlyIfUnconfirmed: r.onlyIfUnconfirmed,
      })),
    });
    const payload = result.data?.setReminderSchedule;
    const ok = !!payload?.settings && payload.errors.length === 0;
    setSaved(
      ok
        ? payload.settings!.reminderRules.length
          ? `Saved: reminders ${payload.settings!.reminderRules.map((r) => `${leadTime(r.minutesBefore)} before by ${CHANNEL_LABEL[r.channel]}`).join(", ")}.`
          : "Saved: no reminders are sent."
        : null,
    );
    setErrors({ ...errorsByField(payload?.errors), ...(result.error ? { "": requestError(result.error) ?? "" } : {}) });
  }

  return (
    <form className="card" onSubmit={submit} noValidate aria-labelledby="reminders-title">
      <h2 id="reminders-title">Reminder schedule</h2>
      <p className="hint">When reminders go before an appointment (10 minutes to 14 days), and on which channel.</p>
      {rows.length === 0 ? <Empty>No reminders are sent.</Empty> : null}
      <ul className="rules">
        {rows.map((r, i) => (
          <li key={r.key} className="rule-row">
            <Select label={`Reminder ${i + 1}: channel`} value={r.channel} onChange={(e) => change(r.key, { channel: e.target.value as MessageChannel })}>
              <option value="SMS">{CHANNEL_LABEL.SMS}</option>
              <option value="EMAIL">{CHANNEL_LABEL.EMAIL}</option>
            </Select>
            <Field
              label={`Reminder ${i + 1}: how long before`}
              type="number"
              min={1}
              value={r.amount}
              onChange={(e) => change(r.key, { amount: e.target.value })}
              error={errors[`row-${r.key}`]}
            />
            <Select label={`Reminder ${i + 1}: unit`} value={r.unit} onChange={(e) => change(r.key, { unit: e.target.value as Unit })}>
              <option value="minutes">minutes</option>
              <option value="hours">hours</option>
              <option value="days">days</option>
            </Select>
            <label className="check">
              <input type="checkbox" checked={r.onlyIfUnconfirmed} onChange={(e) => change(r.key, { onlyIfUnconfirmed: e.target.checked })} /> Only if not
              confirmed
            </label>
            <button type="button" onClick={() => setRows(rows.filter((x) => x.key !== r.key))} aria-label={`Remove reminder ${i + 1}`}>
              Remove
            </button>
          </li>
        ))}
      </ul>
      {errors["rules"] ? (
        <div className="field-error" role="alert">
          {errors["rules"]}
        </div>
      ) : null}
      <FormError message={errors[""]} />
      {saved ? <p role="status">{saved}</p> : null}
      <div className="actions">
        <button type="button" onClick={() => setRows([...rows, { key: nextKey++, channel: "SMS", amount: "1", unit: "days", onlyIfUnconfirmed: false }])}>
          Add a reminder
        </button>
        <button type="submit" className="primary" disabled={state.fetching}>
          Save schedule
        </button>
      </div>
    </form>
  );
}

function WaitlistSettings({ mode: initialMode, holdMinutes }: { mode: WaitlistMode; holdMinutes: number }) {
  const [mode, setMode] = useState<WaitlistMode>(initialMode);
  const [hold, setHold] = useState(String(holdMinutes));
  const [errors, setErrors] = useState<Record<string, string>>({});
  const [saved, setSaved] = useState(false);
  const [state, update] = useMutation(UpdateMessagingSettingsDocument);

  async function submit(event: FormEvent) {
    event.preventDefault();
    if (!/^\d+$/.test(hold.trim())) {
      setErrors({ waitlistHoldMinutes: "Enter a number of minutes." });
      setSaved(false);
      return;
    }
    const result = await update({ waitlistMode: mode, waitlistHoldMinutes: Number(hold) });
    const payload = result.data?.updateMessagingSettings;
    setSaved(!!payload?.settings && payload.errors.length === 0);
    setErrors({ ...errorsByField(payload?.errors), ...(result.error ? { "": requestError(result.error) ?? "" } : {}) });
  }

  return (
    <form className="card" onSubmit={submit} noValidate aria-labelledby="waitlist-settings-title">
      <h2 id="waitlist-settings-title">Waitlist</h2>
      <fieldset>
        <legend>When a time frees up</legend>
        <div className="checks">
          <label>
            <input type="radio" name="waitlist-mode" value="ONE_AT_A_TIME" checked={mode === "ONE_AT_A_TIME"} onChange={() => setMode("ONE_AT_A_TIME")} /> Offer it to
            one client at a time, first in line first
          </label>
          <label>
            <input type="radio" name="waitlist-mode" value="ALL_AT_ONCE" checked={mode === "ALL_AT_ONCE"} onChange={() => setMode("ALL_AT_ONCE")} /> Offer it to
            everyone who fits at once (first to claim books it)
          </label>
        </div>
        {errors["waitlistMode"] ? (
          <div className="field-error" role="alert">
            {errors["waitlistMode"]}
          </div>
        ) : null}
      </fieldset>
      <Field
        label="Hold each offer for (minutes)"
        type="number"
        min={5}
        max={1440}
        value={hold}
        onChange={(e) => setHold(e.target.value)}
        error={errors["waitlistHoldMinutes"]}
        hint="5 minutes to 24 hours; one at a time, the next client is offered the time when the hold ends."
      />
      <FormError message={errors[""]} />
      {saved ? <p role="status">Saved.</p> : null}
      <button type="submit" className="primary" disabled={state.fetching}>
        Save waitlist settings
      </button>
    </form>
  );
}
