import { useEffect, useId, useRef, useState, type FormEvent } from "react";
import { FormRenderer, type Submission } from "../forms/FormRenderer";
import { allFields, parseSchema } from "../forms/schema";
import { openLink, Refusal, submitForm, uploadPhoto, type PatientLink } from "./api";

type Step =
  | { at: "dob" }
  | { at: "invalid" }
  | { at: "form"; link: PatientLink; dateOfBirth: string; index: number }
  | { at: "done"; link: PatientLink };

/** The patient's forms (the emailed or texted link, or the desk's tablet):
 * the date of birth first, then each form in turn, then a done page. Phone
 * first. Nothing of the patient is shown before the date of birth matches;
 * an unknown, expired, used or revoked link shows one and the same page. */
export function PatientForms({ token, fetcher, embedded = false }: { token: string | null; fetcher?: typeof fetch; embedded?: boolean }) {
  // Inside the staff app (tablet mode) the page is a region of its dialog, not a second <main>.
  const Main = embedded ? EmbeddedMain : PageMain;
  const [step, setStep] = useState<Step>(token ? { at: "dob" } : { at: "invalid" });
  const heading = useRef<HTMLHeadingElement>(null);
  // Each new step's heading takes the focus (screen readers hear the change).
  useEffect(() => heading.current?.focus(), [step.at, step.at === "form" ? step.index : -1]);

  if (step.at === "invalid" || !token) return <InvalidLink headingRef={heading} Main={Main} />;
  if (step.at === "dob")
    return (
      <DateOfBirth
        Main={Main}
        headingRef={heading}
        onOpen={async (dateOfBirth) => {
          try {
            const link = await openLink(token, dateOfBirth, fetcher);
            const index = link.forms.findIndex((f) => !f.answered);
            setStep(index < 0 ? { at: "done", link } : { at: "form", link, dateOfBirth, index });
            return null;
          } catch (e) {
            if (e instanceof Refusal && e.code === "LINK_INVALID") {
              setStep({ at: "invalid" });
              return null;
            }
            return e instanceof Refusal ? e : new Refusal("ERROR", "Something went wrong. Try again.");
          }
        }}
      />
    );
  if (step.at === "done") {
    return (
      <Main>
        <h1 ref={heading} tabIndex={-1}>
          Thank you, {step.link.firstName}
        </h1>
        <p>Your forms are with {step.link.spaName}. A copy of each signed form will be emailed to you.</p>
        {step.link.tablet ? <p className="notice">Please hand the tablet back to the front desk.</p> : <p>You can close this page.</p>}
      </Main>
    );
  }
  const { link, dateOfBirth, index } = step;
  const form = link.forms[index];
  if (!form) return null;
  const schema = parseSchema(form.schema);
  const signs = allFields(schema).some((f) => f.type === "signature");
  const total = link.forms.length;

  async function send(s: Submission) {
    if (!form || !token) return null;
    const signatureField = allFields(schema).find((f) => f.type === "signature" && f.key in s.answers);
    const typed = signatureField ? s.answers[signatureField.key] : undefined;
    const drawn = signatureField ? s.drawnSignatures[signatureField.key] : undefined;
    try {
      const result = await submitForm(
        {
          token,
          dateOfBirth,
          itemId: form.itemId,
          answers: s.answers,
          decision: s.decision === "completed" ? "COMPLETED" : s.decision === "accepted" ? "ACCEPTED" : "DECLINED",
          photoScope: s.photoScope === "clinical" ? "CLINICAL" : s.photoScope === "marketing" ? "MARKETING" : null,
          signature:
            typed && typeof typed === "object" && "typed_name" in typed
              ? {
                  typedName: typed.typed_name,
                  drawnImage: drawn ?? null,
                  acceptElectronicRecords: s.disclosureAccepted,
                  disclosureVersion: s.disclosureVersion ?? "",
                  intent: true,
                }
              : null,
        },
        fetcher,
      );
      if (result.errors.length) {
        // The signature's refusals name the form's signature field.
        return result.errors.map((e) => ({ ...e, field: e.field === "signature" && signatureField ? signatureField.key : e.field }));
      }
      const forms = link.forms.map((f, i) => (i === index ? { ...f, answered: true } : f));
      const next = forms.findIndex((f) => !f.answered);
      setStep(result.completed || next < 0 ? { at: "done", link: { ...link, forms } } : { at: "form", link: { ...link, forms }, dateOfBirth, index: next });
      window.scrollTo?.(0, 0);
      return null;
    } catch (e) {
      if (e instanceof Refusal && e.code === "LINK_INVALID") {
        setStep({ at: "invalid" });
        return null;
      }
      return [{ field: null, code: e instanceof Refusal ? e.code : "ERROR", message: e instanceof Error ? e.message : "Something went wrong." }];
    }
  }

  return (
    <Main>
      <p className="muted">{link.spaName}</p>
      <h1 ref={heading} tabIndex={-1}>
        {form.title}
      </h1>
      <p className="muted">
        Form {index + 1} of {total}
      </p>
      <FormRenderer
        key={form.itemId}
        title={form.title}
        kind={form.kind}
        schema={schema}
        disclosure={signs ? link.disclosure : null}
        submitLabel={signs ? "Sign and send" : "Send"}
        onSubmit={send}
        uploadPhoto={(file) => uploadPhoto(token, dateOfBirth, file, fetcher)}
      />
    </Main>
  );
}

type MainKind = (props: { children: React.ReactNode }) => React.ReactElement;

function PageMain({ children }: { children: React.ReactNode }) {
  return (
    <main className="patient-page" id="main">
      {children}
    </main>
  );
}

function EmbeddedMain({ children }: { children: React.ReactNode }) {
  return <div className="patient-page">{children}</div>;
}

function DateOfBirth({
  Main,
  headingRef,
  onOpen,
}: {
  Main: MainKind;
  headingRef: React.RefObject<HTMLHeadingElement | null>;
  onOpen: (dateOfBirth: string) => Promise<Refusal | null>;
}) {
  const id = useId();
  const [value, setValue] = useState("");
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  async function submit(event: FormEvent) {
    event.preventDefault();
    if (!/^\d{4}-\d{2}-\d{2}$/.test(value)) {
      setError("Enter your date of birth.");
      return;
    }
    setBusy(true);
    setError(null);
    const refused = await onOpen(value);
    setBusy(false);
    if (refused) setError(refused.code === "DATE_OF_BIRTH_MISMATCH" ? "That date of birth does not match our records. Check it and try again." : refused.message);
  }
  return (
    <Main>
      <h1 ref={headingRef} tabIndex={-1}>
        Your forms
      </h1>
      <p>To keep your answers private, first confirm your date of birth.</p>
      <form onSubmit={submit} noValidate>
        <div className="field">
          <label htmlFor={id}>Date of birth</label>
          <input
            id={id}
            type="date"
            autoComplete="bday"
            value={value}
            max={new Date().toISOString().slice(0, 10)}
            aria-invalid={error ? true : undefined}
            aria-describedby={error ? `${id}-error` : undefined}
            onChange={(e) => setValue(e.target.value)}
          />
          {error ? (
            <div className="field-error" id={`${id}-error`} role="alert">
              {error}
            </div>
          ) : null}
        </div>
        <button type="submit" className="primary" disabled={busy}>
          {busy ? "Checking…" : "Continue"}
        </button>
      </form>
    </Main>
  );
}

function InvalidLink({ headingRef, Main }: { headingRef: React.RefObject<HTMLHeadingElement | null>; Main: MainKind }) {
  return (
    <Main>
      <h1 ref={headingRef} tabIndex={-1}>
        This link does not work
      </h1>
      <p>It may have expired, been used already, or been replaced by a newer one.</p>
      <p>Please contact the spa for a new link.</p>
    </Main>
  );
}
