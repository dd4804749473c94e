import { useId, useRef, useState, type FormEvent, type ReactNode } from "react";
import type { FieldError } from "../api";
import { Markdown } from "./Markdown";
import {
  camel,
  hasDecision,
  keptAnswers,
  rangeMessage,
  validateAnswers,
  visibleKeys,
  type Answer,
  type Answers,
  type FormField,
  type FormKind,
  type FormSchema,
} from "./schema";
import { SignaturePad } from "./SignaturePad";
import "./forms.css";

export type Decision = "completed" | "accepted" | "declined";
export type PhotoScope = "" | "clinical" | "marketing";

/** What a filled form hands to whoever sends it: the answers the server takes
 * (tenant_apps/forms schema contract), the drawn signatures (PNG data URLs by
 * field key), the decision, and the electronic-records disclosure accepted. */
export type Submission = {
  answers: Answers;
  drawnSignatures: Record<string, string>;
  decision: Decision;
  photoScope: PhotoScope;
  disclosureAccepted: boolean;
  disclosureVersion: string | null;
};

export type Disclosure = { version: string; text: string };
export type UploadPhoto = (file: File) => Promise<{ fileId: number } | { error: string }>;

type Props = {
  title: string;
  kind: FormKind;
  schema: FormSchema;
  disclosure?: Disclosure | null | undefined;
  submitLabel?: string;
  /** Returns the server's errors (field = a field key, or null), or nothing when it took the form. */
  onSubmit?: (submission: Submission) => Promise<readonly FieldError[] | null | undefined | void>;
  uploadPhoto?: UploadPhoto | undefined;
  /** The preview in the builder: answers are checked, never sent. */
  preview?: boolean;
};

type Raw = Record<string, Answer | undefined>;
const DISCLOSURE = "__disclosure";
const DECISION = "__decision";

/** Number fields hold what was typed until it is checked. */
function coerce(schema: FormSchema, raw: Raw): Answers {
  const out: Answers = {};
  for (const s of schema.sections)
    for (const f of s.fields) {
      const v = raw[f.key];
      if (v === undefined) continue;
      if (f.type === "number" && typeof v === "string") {
        const t = v.trim();
        if (t === "") continue;
        const n = Number(t);
        out[f.key] = Number.isFinite(n) && /^-?\d+(\.\d+)?$/.test(t) ? n : v;
      } else out[f.key] = v;
    }
  return out;
}

/** A form as the patient sees it, for the patient's page, the desk's tablet
 * and the builder's preview: every field type, show-if conditions, required
 * marks, the server's checks before sending, signatures with their intent and
 * the electronic-records disclosure. */
export function FormRenderer({ title, kind, schema, disclosure, submitLabel = "Submit", onSubmit, uploadPhoto, preview = false }: Props) {
  const formId = useId();
  const [raw, setRaw] = useState<Raw>({});
  const [drawn, setDrawn] = useState<Record<string, string>>({});
  const [intent, setIntent] = useState<Record<string, boolean>>({});
  const [decision, setDecision] = useState<string>("");
  const [disclosureAccepted, setDisclosureAccepted] = useState(false);
  const [errors, setErrors] = useState<Record<string, string>>({});
  const [summary, setSummary] = useState<string | null>(null);
  const [sending, setSending] = useState(false);
  const [checked, setChecked] = useState(false);
  const formRef = useRef<HTMLFormElement>(null);

  const answers = coerce(schema, raw);
  const shown = visibleKeys(schema, answers);
  const idOf = (key: string) => `${formId}-${key}`;

  function set(key: string, value: Answer | undefined) {
    setRaw((r) => ({ ...r, [key]: value }));
    setChecked(false);
    if (errors[key]) setErrors(({ [key]: _gone, ...rest }) => rest);
  }

  function decisionOf(): { decision: Decision; photoScope: PhotoScope } | null {
    if (!hasDecision(kind)) return { decision: "completed", photoScope: "" };
    if (decision === "declined") return { decision: "declined", photoScope: "" };
    if (kind === "consent" && decision === "accepted") return { decision: "accepted", photoScope: "" };
    if (kind === "photo_consent" && (decision === "clinical" || decision === "marketing"))
      return { decision: "accepted", photoScope: decision };
    return null;
  }

  function check(): Record<string, string> {
    const found: Record<string, string> = {};
    // A declined consent needs no answer but its signature (as on the server).
    for (const e of validateAnswers(schema, answers, { require: decision !== "declined" })) found[e.field] ??= e.message;
    for (const s of schema.sections)
      for (const f of s.fields)
        if (f.type === "signature" && shown.has(f.key) && shown.has(s.key) && !found[f.key]) {
          const typed = answers[f.key];
          const signing = typed !== undefined && typeof typed === "object" && "typed_name" in typed && typed.typed_name.trim() !== "";
          // The drawing is optional (ESIGN/UETA ask for intent and attribution):
          // the typed name with the intent box signs, so anyone can sign by keyboard.
          if (signing && !intent[f.key]) found[f.key] = "Tick “I agree this is my signature” to sign.";
        }
    if (!decisionOf()) found[DECISION] = "Choose your decision.";
    if (disclosure && !disclosureAccepted) found[DISCLOSURE] = "Accept the use of electronic records and signatures to continue.";
    return found;
  }

  function focusFirst(found: Record<string, string>) {
    const order = [DISCLOSURE, ...schema.sections.flatMap((s) => s.fields.map((f) => f.key)), DECISION];
    const first = order.find((k) => found[k]);
    if (!first) return;
    const el = formRef.current?.querySelector<HTMLElement>(`[data-key="${first}"] input, [data-key="${first}"] textarea, [data-key="${first}"] select`);
    el?.focus();
  }

  async function submit(event: FormEvent) {
    event.preventDefault();
    setSummary(null);
    const found = check();
    setErrors(found);
    if (Object.keys(found).length) {
      setSummary(`${Object.keys(found).length === 1 ? "One answer needs" : `${Object.keys(found).length} answers need`} your attention.`);
      focusFirst(found);
      return;
    }
    const chosen = decisionOf();
    if (!chosen) return;
    const kept = keptAnswers(schema, answers);
    const signatures: Record<string, string> = {};
    for (const key of Object.keys(drawn)) if (key in kept && drawn[key]) signatures[key] = drawn[key];
    if (preview || !onSubmit) {
      setChecked(true);
      return;
    }
    setSending(true);
    try {
      const refused = await onSubmit({
        answers: kept,
        drawnSignatures: signatures,
        ...chosen,
        disclosureAccepted,
        disclosureVersion: disclosure?.version ?? null,
      });
      if (refused && refused.length) {
        const byKey: Record<string, string> = {};
        const loose: string[] = [];
        for (const e of refused) {
          // The API names a field by its key in camelCase ("lip_filler" -> "lipFiller").
          const key = e.field ? [...shown].find((k) => k === e.field || camel(k) === e.field) : undefined;
          if (key) byKey[key] = byKey[key] ? `${byKey[key]} ${e.message}` : e.message;
          else loose.push(e.message);
        }
        setErrors(byKey);
        setSummary(loose.length ? loose.join(" ") : "Some answers need your attention.");
        focusFirst(byKey);
      }
    } finally {
      setSending(false);
    }
  }

  return (
    <form ref={formRef} className="form-render" noValidate onSubmit={submit} aria-label={title}>
      <p className="hint">
        Questions marked <span aria-hidden="true">*</span>
        <span className="sr-only">required</span> need an answer.
      </p>
      {disclosure ? (
        <section className="disclosure" data-key={DISCLOSURE} aria-labelledby={`${formId}-disclosure`}>
          <h3 id={`${formId}-disclosure`}>Electronic records and signatures</h3>
          <div className="disclosure-text" tabIndex={0} role="document" aria-label="Disclosure about electronic records and signatures">
            <Markdown text={disclosure.text} />
          </div>
          <label className="check">
            <input
              type="checkbox"
              checked={disclosureAccepted}
              aria-invalid={errors[DISCLOSURE] ? true : undefined}
              aria-describedby={errors[DISCLOSURE] ? `${idOf(DISCLOSURE)}-error` : undefined}
              onChange={(e) => {
                setDisclosureAccepted(e.target.checked);
                setErrors(({ [DISCLOSURE]: _gone, ...rest }) => rest);
              }}
            />
            I agree to use electronic records and signatures
          </label>
          <ErrorText id={`${idOf(DISCLOSURE)}-error`} message={errors[DISCLOSURE]} />
        </section>
      ) : null}
      {schema.sections.map((section) =>
        shown.has(section.key) ? (
          <section key={section.key} className="form-section" aria-labelledby={idOf(section.key)}>
            <h3 id={idOf(section.key)}>{section.title}</h3>
            {section.fields.map((field) =>
              shown.has(field.key) ? (
                <RenderedField
                  key={field.key}
                  field={field}
                  id={idOf(field.key)}
                  value={raw[field.key]}
                  error={errors[field.key]}
                  onChange={(v) => set(field.key, v)}
                  onDrawn={(png) =>
                    setDrawn((d) => {
                      const { [field.key]: _old, ...rest } = d;
                      return png ? { ...rest, [field.key]: png } : rest;
                    })
                  }
                  intent={intent[field.key] ?? false}
                  onIntent={(v) => {
                    setIntent((i) => ({ ...i, [field.key]: v }));
                    if (errors[field.key]) setErrors(({ [field.key]: _gone, ...rest }) => rest);
                  }}
                  uploadPhoto={uploadPhoto}
                />
              ) : null,
            )}
          </section>
        ) : null,
      )}
      {hasDecision(kind) ? (
        <fieldset className="form-field decision" data-key={DECISION} aria-describedby={errors[DECISION] ? `${idOf(DECISION)}-error` : undefined}>
          <legend>
            Your decision<Required />
          </legend>
          {(kind === "consent"
            ? [
                ["accepted", "I consent to this treatment"],
                ["declined", "I decline this treatment"],
              ]
            : [
                ["clinical", "I consent to photos for my clinical record only"],
                ["marketing", "I consent to photos for my clinical record and the spa's marketing"],
                ["declined", "I decline photos"],
              ]
          ).map(([value, label]) => (
            <label key={value} className="check">
              <input
                type="radio"
                name={`${formId}-decision`}
                value={value}
                checked={decision === value}
                onChange={() => {
                  setDecision(value ?? "");
                  setErrors(({ [DECISION]: _gone, ...rest }) => rest);
                }}
              />
              {label}
            </label>
          ))}
          <ErrorText id={`${idOf(DECISION)}-error`} message={errors[DECISION]} />
        </fieldset>
      ) : null}
      {summary ? (
        <div className="form-error" role="alert">
          {summary}
        </div>
      ) : null}
      {checked ? (
        <p className="notice" role="status">
          Every answer passes the checks (a preview: nothing was sent).
        </p>
      ) : null}
      <div className="actions">
        <button type="submit" className="primary" disabled={sending}>
          {sending ? "Sending…" : preview ? "Check answers" : submitLabel}
        </button>
      </div>
    </form>
  );
}

function Required() {
  return (
    <>
      <span className="required" aria-hidden="true">
        {" "}
        *
      </span>
      <span className="sr-only"> (required)</span>
    </>
  );
}

function ErrorText({ id, message }: { id: string; message: string | undefined }) {
  return message ? (
    <div className="field-error" id={id}>
      {message}
    </div>
  ) : null;
}

type FieldProps = {
  field: FormField;
  id: string;
  value: Answer | undefined;
  error: string | undefined;
  onChange: (value: Answer | undefined) => void;
  onDrawn: (png: string | null) => void;
  intent: boolean;
  onIntent: (value: boolean) => void;
  uploadPhoto: UploadPhoto | undefined;
};

function RenderedField({ field, id, value, error, onChange, onDrawn, intent, onIntent, uploadPhoto }: FieldProps) {
  const errorId = `${id}-error`;
  const helpId = `${id}-help`;
  const describedBy = [field.help ? helpId : null, error ? errorId : null].filter(Boolean).join(" ") || undefined;
  const invalid = error ? true : undefined;
  const label = (
    <>
      {field.label || field.key}
      {field.required ? <Required /> : null}
    </>
  );
  const help = field.help ? (
    <div className="hint" id={helpId}>
      {field.help}
    </div>
  ) : null;
  const wrap = (content: ReactNode, group = false) =>
    group ? (
      <fieldset className="form-field" data-key={field.key} aria-describedby={describedBy} aria-invalid={invalid}>
        <legend>{label}</legend>
        {help}
        {content}
        <ErrorText id={errorId} message={error} />
      </fieldset>
    ) : (
      <div className="form-field field" data-key={field.key}>
        <label htmlFor={id}>{label}</label>
        {help}
        {content}
        <ErrorText id={errorId} message={error} />
      </div>
    );
  const common = { id, "aria-invalid": invalid, "aria-describedby": describedBy, "aria-required": field.required || undefined };

  switch (field.type) {
    case "markdown":
      return (
        <div className="form-field" data-key={field.key}>
          <Markdown text={field.content ?? ""} />
        </div>
      );
    case "text":
      return wrap(
        field.multiline ? (
          <textarea {...common} rows={4} value={typeof value === "string" ? value : ""} onChange={(e) => onChange(e.target.value)} />
        ) : (
          <input {...common} type="text" value={typeof value === "string" ? value : ""} onChange={(e) => onChange(e.target.value)} />
        ),
      );
    case "date":
      return wrap(<input {...common} type="date" value={typeof value === "string" ? value : ""} onChange={(e) => onChange(e.target.value || undefined)} />);
    case "number":
      return wrap(
        <>
          <input
            {...common}
            type="text"
            inputMode="decimal"
            value={typeof value === "string" || typeof value === "number" ? String(value) : ""}
            onChange={(e) => onChange(e.target.value)}
          />
          {field.min != null || field.max != null ? <div className="hint">{rangeMessage(field)}</div> : null}
        </>,
      );
    case "yes_no":
      return wrap(
        <div className="choice-row">
          {(
            [
              [true, "Yes"],
              [false, "No"],
            ] as const
          ).map(([v, text]) => (
            <label key={text} className="check">
              <input type="radio" name={id} checked={value === v} onChange={() => onChange(v)} />
              {text}
            </label>
          ))}
        </div>,
        true,
      );
    case "choice":
      return wrap(
        <div className="checks">
          {(field.options ?? []).map((o) => (
            <label key={o.value} className="check">
              <input type="radio" name={id} checked={value === o.value} onChange={() => onChange(o.value)} />
              {o.label}
            </label>
          ))}
        </div>,
        true,
      );
    case "multi_choice": {
      const chosen = Array.isArray(value) ? value : [];
      return wrap(
        <div className="checks">
          {(field.options ?? []).map((o) => (
            <label key={o.value} className="check">
              <input
                type="checkbox"
                checked={chosen.includes(o.value)}
                onChange={(e) => {
                  const next = e.target.checked ? [...chosen, o.value] : chosen.filter((c) => c !== o.value);
                  // in the order the options are listed
                  const ordered = (field.options ?? []).map((x) => x.value).filter((x) => next.includes(x));
                  onChange(ordered.length ? ordered : undefined);
                }}
              />
              {o.label}
            </label>
          ))}
        </div>,
        true,
      );
    }
    case "initials": {
      const initials = value && typeof value === "object" && "initials" in value ? value.initials : "";
      return wrap(
        <>
          {field.meaning ? <p className="meaning">{field.meaning}</p> : null}
          <input
            {...common}
            className="initials"
            type="text"
            autoComplete="off"
            maxLength={6}
            value={initials}
            onChange={(e) => onChange(e.target.value ? { initials: e.target.value } : undefined)}
          />
        </>,
      );
    }
    case "signature": {
      const typed = value && typeof value === "object" && "typed_name" in value ? value.typed_name : "";
      return (
        <fieldset className="form-field signature" data-key={field.key} aria-describedby={describedBy} aria-invalid={invalid}>
          <legend>{label}</legend>
          {help}
          {field.meaning ? (
            <p className="meaning">
              <strong>What signing means:</strong> {field.meaning}
            </p>
          ) : null}
          <SignaturePad label="Drawn signature (optional)" onChange={onDrawn} />
          <div className="field">
            <label htmlFor={id}>Type your full name</label>
            <input
              {...common}
              type="text"
              autoComplete="name"
              maxLength={200}
              value={typed}
              onChange={(e) => onChange(e.target.value ? { typed_name: e.target.value } : undefined)}
            />
          </div>
          <label className="check">
            <input type="checkbox" checked={intent} onChange={(e) => onIntent(e.target.checked)} />I agree this is my signature
          </label>
          <ErrorText id={errorId} message={error} />
        </fieldset>
      );
    }
    case "photo":
      return wrap(<PhotoInput id={id} common={common} value={value} onChange={onChange} uploadPhoto={uploadPhoto} />);
  }
}

function PhotoInput({
  id,
  common,
  value,
  onChange,
  uploadPhoto,
}: {
  id: string;
  common: Record<string, unknown>;
  value: Answer | undefined;
  onChange: (value: Answer | undefined) => void;
  uploadPhoto: UploadPhoto | undefined;
}) {
  const [state, setState] = useState<{ busy: boolean; error: string | null; name: string | null }>({ busy: false, error: null, name: null });
  const has = value !== undefined && typeof value === "object" && "file_id" in value;
  return (
    <>
      <input
        {...common}
        id={id}
        type="file"
        accept="image/jpeg,image/png,image/heic,image/webp"
        disabled={state.busy || !uploadPhoto}
        onChange={async (e) => {
          const file = e.target.files?.[0];
          if (!file || !uploadPhoto) return;
          setState({ busy: true, error: null, name: null });
          const result = await uploadPhoto(file);
          if ("fileId" in result) {
            onChange({ file_id: result.fileId });
            setState({ busy: false, error: null, name: file.name });
          } else {
            onChange(undefined);
            setState({ busy: false, error: result.error, name: null });
          }
        }}
      />
      {!uploadPhoto ? <div className="hint">Photos are added on the patient's page.</div> : null}
      <div role="status" aria-live="polite" className="hint">
        {state.busy ? "Uploading…" : has ? `Photo added${state.name ? `: ${state.name}` : ""}.` : ""}
      </div>
      {state.error ? <div className="field-error">{state.error}</div> : null}
    </>
  );
}
