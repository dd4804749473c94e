import { Fragment, useEffect, useRef, useState, type FormEvent } from "react";
import "./messaging.css";
import { useMutation, useQuery } from "urql";
import { errorsByField, requestError } from "../api";
import { can, MANAGERS, useSession } from "../auth/AuthContext";
import type { MessageChannel, MessageKind } from "../gql/graphql";
import { Empty, Field, FormError, Loading } from "../ui/Field";
import { MessageTemplatesDocument, PreviewTemplateDocument, ResetTemplateDocument, SaveTemplateDocument } from "./documents";
import { CHANNEL_LABEL, KIND_LABEL } from "./labels";
import { TextArea } from "./TextArea";

type Template = { kind: MessageKind; channel: MessageChannel; subject: string; body: string; isDefault: boolean };
type Variable = { name: string; description: string };

const SMS_LIMIT = 160;

/** The wording of every editable message, per channel: edit with the allowed
 * variables, preview with sample values, save, or go back to the default. */
export default function TemplatesPage() {
  const { me } = useSession();
  const [{ data, fetching, error }, refetch] = useQuery({ query: MessageTemplatesDocument });
  const [editing, setEditing] = useState<Template | null>(null);
  const [notice, setNotice] = useState<string | null>(null);
  const editable = can(me.role, MANAGERS);
  if (fetching && !data) return <Loading what="the message templates" />;
  if (!data) return <FormError message={requestError(error) ?? "The templates could not be loaded."} />;
  const templates = data.messageTemplates;
  const variables = data.messagingSettings.templateVariables;
  return (
    <section className="page">
      <h1>Message templates</h1>
      <p className="hint">What patients receive for each kind of message. Write a variable as {"{{ name }}"}.</p>
      {notice ? <p role="status">{notice}</p> : null}
      {templates.length === 0 ? (
        <Empty>No message can be edited.</Empty>
      ) : (
        <table className="list">
          <thead>
            <tr>
              <th scope="col">Message</th>
              <th scope="col">Channel</th>
              <th scope="col">Wording</th>
              <th scope="col">
                <span className="sr-only">Actions</span>
              </th>
            </tr>
          </thead>
          <tbody>
            {templates.map((t) => (
              <tr key={`${t.kind}-${t.channel}`}>
                <td>{KIND_LABEL[t.kind]}</td>
                <td>{CHANNEL_LABEL[t.channel]}</td>
                <td>{t.isDefault ? "Default" : <span className="badge">Your own</span>}</td>
                <td>
                  <button
                    type="button"
                    aria-label={`${editable ? "Edit" : "View"} ${KIND_LABEL[t.kind]} (${CHANNEL_LABEL[t.channel]})`}
                    onClick={() => {
                      setNotice(null);
                      setEditing(t);
                    }}
                  >
                    {editable ? "Edit" : "View"}
                  </button>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      {editing ? (
        <TemplateEditor
          key={`${editing.kind}-${editing.channel}`}
          template={editing}
          variables={variables}
          editable={editable}
          onClose={() => setEditing(null)}
          onChanged={(text) => {
            setNotice(text);
            setEditing(null);
            refetch({ requestPolicy: "network-only" });
          }}
        />
      ) : null}
    </section>
  );
}

type EditorProps = {
  template: Template;
  variables: readonly Variable[];
  editable: boolean;
  onClose: () => void;
  onChanged: (notice: string) => void;
};

export function TemplateEditor({ template, variables, editable, onClose, onChanged }: EditorProps) {
  const [subject, setSubject] = useState(template.subject);
  const [body, setBody] = useState(template.body);
  const [errors, setErrors] = useState<Record<string, string>>({});
  const [preview, setPreview] = useState<{ subject: string; body: string; longestLength: number } | null>(null);
  const [previewState, runPreview] = useMutation(PreviewTemplateDocument);
  const [saveState, save] = useMutation(SaveTemplateDocument);
  const [resetState, reset] = useMutation(ResetTemplateDocument);
  const form = useRef<HTMLFormElement>(null);
  // Opened below a long list: bring the editor into view.
  useEffect(() => {
    form.current?.scrollIntoView?.({ block: "start" });
  }, []);
  const email = template.channel === "EMAIL";
  const name = `${KIND_LABEL[template.kind]} (${CHANNEL_LABEL[template.channel]})`;
  const args = { kind: template.kind, channel: template.channel, subject: email ? subject : null, body };

  async function showPreview() {
    const result = await runPreview(args);
    const payload = result.data?.previewMessageTemplate;
    setPreview(payload?.preview ?? null);
    setErrors({ ...errorsByField(payload?.errors), ...(result.error ? { "": requestError(result.error) ?? "" } : {}) });
  }

  async function submit(event: FormEvent) {
    event.preventDefault();
    const result = await save(args);
    const payload = result.data?.saveMessageTemplate;
    if (payload?.template) onChanged(`Saved the ${name} wording.`);
    else setErrors({ ...errorsByField(payload?.errors), ...(result.error ? { "": requestError(result.error) ?? "" } : {}) });
  }

  async function backToDefault() {
    const result = await reset({ kind: template.kind, channel: template.channel });
    const payload = result.data?.resetMessageTemplate;
    if (payload && payload.errors.length === 0) onChanged(`The ${name} is back to the default wording.`);
    else setErrors({ ...errorsByField(payload?.errors), ...(result.error ? { "": requestError(result.error) ?? "" } : {}) });
  }

  const tooLong = !email && preview !== null && preview.longestLength > SMS_LIMIT;
  return (
    <form ref={form} className="card" onSubmit={submit} noValidate aria-labelledby="template-title">
      <h2 id="template-title">{name}</h2>
      {email ? (
        <Field label="Subject" value={subject} onChange={(e) => setSubject(e.target.value)} error={errors["subject"]} readOnly={!editable} />
      ) : null}
      <TextArea
        label="Message"
        rows={email ? 10 : 4}
        value={body}
        onChange={(e) => setBody(e.target.value)}
        error={errors["body"]}
        readOnly={!editable}
        hint={email ? undefined : `A text of more than ${SMS_LIMIT} characters is sent in parts.`}
      />
      <details open>
        <summary>Variables you can use</summary>
        <dl className="details">
          {variables.map((v) => (
            <Fragment key={v.name}>
              <dt>
                <code>{`{{ ${v.name} }}`}</code>
              </dt>
              <dd>{v.description}</dd>
            </Fragment>
          ))}
        </dl>
      </details>
      <FormError message={errors[""] ?? errors["kind"] ?? errors["channel"]} />
      <div className="actions">
        <button type="button" onClick={() => void showPreview()} disabled={previewState.fetching}>
          Preview
        </button>
        {editable ? (
          <button type="submit" className="primary" disabled={saveState.fetching}>
            Save
          </button>
        ) : null}
        {editable && !template.isDefault ? (
          <button type="button" className="danger" onClick={() => void backToDefault()} disabled={resetState.fetching}>
            Reset to default
          </button>
        ) : null}
        <button type="button" onClick={onClose}>
          Close
        </button>
      </div>
      {preview ? (
        <section className="notice preview" aria-labelledby="preview-title">
          <h3 id="preview-title">Preview, with sample values</h3>
          {email ? (
            <p>
              <strong>{preview.subject}</strong>
            </p>
          ) : null}
          <p className="preview-body">{preview.body}</p>
          <p className={tooLong ? "field-error" : "hint"}>
            {preview.longestLength} characters with the longest values
            {email ? "" : tooLong ? ` (over ${SMS_LIMIT}: sent in parts)` : ` (of ${SMS_LIMIT} in one text)`}.
          </p>
        </section>
      ) : null}
    </form>
  );
}
