import { useEffect, useMemo, useState, type FormEvent } from "react";
import { Link, useNavigate, useParams } from "react-router";
import { useMutation, useQuery } from "urql";
import { errorsByField, requestError } from "../api";
import { graphql } from "../gql";
import type { FormKind as ApiKind, FormRenewal } from "../gql/graphql";
import { useSession } from "../auth/AuthContext";
import { formatDateTime } from "../tz";
import { Empty, Field, FormError, Loading, Select, TextArea } from "../ui/Field";
import { problemsByPath, schemaProblems } from "./builder";
import { FormBuilder } from "./FormBuilder";
import { cleanSchema, KIND_LABEL, parseSchema, type FormKind, type FormSchema } from "./schema";
import { NotFound } from "../NotFound";
import "./forms.css";

const FormTemplatesDocument = graphql(`
  query FormTemplates {
    formTemplates(includeArchived: true) {
      id
      name
      kind
      renewal
      renewalMonths
      isArchived
      hasUnpublishedChanges
      latestVersion {
        id
        number
        publishedAt
      }
    }
  }
`);

const FormTemplateDocument = graphql(`
  query FormTemplate($id: ID!) {
    formTemplate(id: $id) {
      id
      name
      description
      kind
      renewal
      renewalMonths
      draft
      isArchived
      hasUnpublishedChanges
      versions {
        id
        number
        title
        publishedAt
        contentHash
      }
      requiredByServices {
        id
        name
      }
    }
  }
`);

const CreateFormTemplateDocument = graphql(`
  mutation CreateFormTemplate($name: String!, $kind: FormKind!, $renewal: FormRenewal!, $renewalMonths: Int) {
    createFormTemplate(name: $name, kind: $kind, renewal: $renewal, renewalMonths: $renewalMonths) {
      template {
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

const UpdateFormTemplateDocument = graphql(`
  mutation UpdateFormTemplate($id: ID!, $input: FormTemplateInput!) {
    updateFormTemplate(id: $id, input: $input) {
      template {
        id
        name
        description
        renewal
        renewalMonths
      }
      errors {
        field
        code
        message
      }
    }
  }
`);

const SaveFormDraftDocument = graphql(`
  mutation SaveFormDraft($id: ID!, $schema: JSONString!) {
    saveFormDraft(id: $id, schema: $schema) {
      template {
        id
        draft
        hasUnpublishedChanges
      }
      errors {
        field
        code
        message
      }
    }
  }
`);

const PublishFormTemplateDocument = graphql(`
  mutation PublishFormTemplate($id: ID!) {
    publishFormTemplate(id: $id) {
      version {
        id
        number
      }
      template {
        id
        hasUnpublishedChanges
      }
      errors {
        field
        code
        message
      }
    }
  }
`);

const ArchiveFormTemplateDocument = graphql(`
  mutation ArchiveFormTemplate($id: ID!) {
    archiveFormTemplate(id: $id) {
      template {
        id
        isArchived
      }
      errors {
        field
        code
        message
      }
    }
  }
`);

const RestoreFormTemplateDocument = graphql(`
  mutation RestoreFormTemplate($id: ID!) {
    restoreFormTemplate(id: $id) {
      template {
        id
        isArchived
      }
      errors {
        field
        code
        message
      }
    }
  }
`);

const API_KINDS: ApiKind[] = ["INTAKE", "CONSENT", "PHOTO_CONSENT", "POLICY"];
const kindOf = (k: ApiKind) => k.toLowerCase() as FormKind;

export function renewalText(renewal: FormRenewal, months: number | null | undefined): string {
  if (renewal === "ONCE") return "Once";
  if (renewal === "PER_VISIT") return "Every visit";
  return `Every ${months ?? "?"} month${months === 1 ? "" : "s"}`;
}

/** Settings > Forms: every template (kind, renewal, latest version, archived), and a new one. */
export default function FormsSettingsPage() {
  const [{ data, fetching, error }] = useQuery({ query: FormTemplatesDocument, requestPolicy: "cache-and-network" });
  const tz = useSpaTimezone();
  const [creating, setCreating] = useState(false);
  const templates = data?.formTemplates ?? [];
  return (
    <section className="page">
      <div className="toolbar">
        <h1>Forms</h1>
        <button type="button" className="primary" onClick={() => setCreating(true)}>
          New form
        </button>
      </div>
      <p className="muted">Intake, consent, photo consent and policy forms. Publishing freezes a numbered version; responses keep theirs.</p>
      <FormError message={requestError(error)} />
      {creating ? <NewFormTemplate onClose={() => setCreating(false)} /> : null}
      {fetching && !data ? (
        <Loading what="forms" />
      ) : templates.length === 0 ? (
        <Empty>No forms yet.</Empty>
      ) : (
        <table className="list">
          <caption className="sr-only">Form templates</caption>
          <thead>
            <tr>
              <th scope="col">Form</th>
              <th scope="col">Kind</th>
              <th scope="col">Renewal</th>
              <th scope="col">Latest version</th>
              <th scope="col">State</th>
            </tr>
          </thead>
          <tbody>
            {templates.map((t) => (
              <tr key={t.id}>
                <td>
                  <Link to={`/settings/forms/${encodeURIComponent(t.id)}`}>{t.name}</Link>
                </td>
                <td>{KIND_LABEL[kindOf(t.kind)]}</td>
                <td>{renewalText(t.renewal, t.renewalMonths)}</td>
                <td>{t.latestVersion ? `Version ${t.latestVersion.number}, ${formatDateTime(t.latestVersion.publishedAt, tz)}` : "Not published"}</td>
                <td>{t.isArchived ? "Archived" : t.hasUnpublishedChanges ? "Draft changes" : "Published"}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </section>
  );
}

function useSpaTimezone(): string {
  return useSession().spa.timezone;
}

function RenewalFields({
  renewal,
  months,
  onRenewal,
  onMonths,
  errors,
}: {
  renewal: FormRenewal;
  months: string;
  onRenewal: (r: FormRenewal) => void;
  onMonths: (m: string) => void;
  errors: Record<string, string>;
}) {
  return (
    <div className="grid2">
      <Select label="Renewal" value={renewal} error={errors["renewal"]} onChange={(e) => onRenewal(e.target.value as FormRenewal)}>
        <option value="ONCE">Once</option>
        <option value="PER_VISIT">Every visit</option>
        <option value="MONTHS">Every N months</option>
      </Select>
      {renewal === "MONTHS" ? (
        <Field label="Months" type="number" min={1} max={120} value={months} error={errors["renewalMonths"]} onChange={(e) => onMonths(e.target.value)} />
      ) : null}
    </div>
  );
}

function NewFormTemplate({ onClose }: { onClose: () => void }) {
  const navigate = useNavigate();
  const [name, setName] = useState("");
  const [kind, setKind] = useState<ApiKind>("INTAKE");
  const [renewal, setRenewal] = useState<FormRenewal>("ONCE");
  const [months, setMonths] = useState("12");
  const [errors, setErrors] = useState<Record<string, string>>({});
  const [state, create] = useMutation(CreateFormTemplateDocument);
  async function submit(event: FormEvent) {
    event.preventDefault();
    const result = await create({ name, kind, renewal, renewalMonths: renewal === "MONTHS" ? Number(months) : null });
    const payload = result.data?.createFormTemplate;
    if (payload?.template) navigate(`/settings/forms/${encodeURIComponent(payload.template.id)}`);
    else setErrors({ ...errorsByField(payload?.errors), ...(result.error ? { "": requestError(result.error) ?? "" } : {}) });
  }
  return (
    <form className="card" onSubmit={submit} noValidate aria-labelledby="new-form-h">
      <h2 id="new-form-h">New form</h2>
      <div className="grid2">
        <Field label="Name" value={name} maxLength={120} error={errors["name"]} onChange={(e) => setName(e.target.value)} />
        <Select label="Kind" value={kind} error={errors["kind"]} onChange={(e) => setKind(e.target.value as ApiKind)}>
          {API_KINDS.map((k) => (
            <option key={k} value={k}>
              {KIND_LABEL[kindOf(k)]}
            </option>
          ))}
        </Select>
      </div>
      <RenewalFields renewal={renewal} months={months} onRenewal={setRenewal} onMonths={setMonths} errors={errors} />
      <FormError message={errors[""]} />
      <div className="actions">
        <button type="submit" className="primary" disabled={state.fetching}>
          Create form
        </button>
        <button type="button" onClick={onClose}>
          Cancel
        </button>
      </div>
    </form>
  );
}

/** One template: its details, the builder on its draft (save with the
 * server's errors by field), publish (version N), and its versions. */
export function FormTemplatePage() {
  const { id = "" } = useParams();
  const tz = useSpaTimezone();
  const [{ data, fetching, error }, refetch] = useQuery({ query: FormTemplateDocument, variables: { id } });
  const template = data?.formTemplate;
  const [schema, setSchema] = useState<FormSchema | null>(null);
  const [serverProblems, setServerProblems] = useState<{ field?: string | null; message: string }[]>([]);
  const [status, setStatus] = useState<string | null>(null);
  const [failure, setFailure] = useState<string | null>(null);
  const [saveState, save] = useMutation(SaveFormDraftDocument);
  const [publishState, publish] = useMutation(PublishFormTemplateDocument);
  const [, archive] = useMutation(ArchiveFormTemplateDocument);
  const [, restore] = useMutation(RestoreFormTemplateDocument);
  const saved = useMemo(() => (template ? parseSchema(template.draft) : null), [template]);
  useEffect(() => {
    if (saved && schema === null) setSchema(saved);
  }, [saved, schema]);
  const dirty = schema !== null && saved !== null && JSON.stringify(cleanSchema(schema)) !== JSON.stringify(cleanSchema(saved));
  const own = schema ? schemaProblems(schema) : [];
  // Our own checks while editing; the server's after a save, until the next edit.
  const problems = problemsByPath(serverProblems.length ? serverProblems : own);

  if (fetching && !data) return <Loading what="the form" />;
  if (!template) return error ? <FormError message={requestError(error)} /> : <NotFound />;
  const kind = kindOf(template.kind);

  async function saveDraft(): Promise<boolean> {
    if (!schema) return false;
    setStatus(null);
    setFailure(null);
    const result = await save({ id, schema: JSON.stringify(cleanSchema(schema)) });
    const payload = result.data?.saveFormDraft;
    if (payload?.template && payload.errors.length === 0) {
      setServerProblems([]);
      setSchema(parseSchema(payload.template.draft));
      setStatus("Draft saved.");
      return true;
    }
    setServerProblems(payload?.errors ?? []);
    const loose = (payload?.errors ?? []).filter((e) => !e.field || e.field === "schema" || e.field === "id");
    setFailure(
      requestError(result.error) ??
        (loose.length ? loose.map((e) => e.message).join(" ") : `Not saved: ${payload?.errors.length ?? 0} problem(s) are shown beside the fields.`),
    );
    return false;
  }

  async function publishDraft() {
    if (dirty && !(await saveDraft())) return;
    setStatus(null);
    setFailure(null);
    const result = await publish({ id });
    const payload = result.data?.publishFormTemplate;
    if (payload?.version && payload.errors.length === 0) {
      setStatus(`Published version ${payload.version.number}.`);
      refetch({ requestPolicy: "network-only" });
    } else {
      setFailure(payload?.errors.map((e) => e.message).join(" ") || requestError(result.error) || "Not published.");
    }
  }

  return (
    <section className="page">
      <p>
        <Link to="/settings/forms">All forms</Link>
      </p>
      <div className="toolbar">
        <h1>{template.name}</h1>
        <span className="badge">{KIND_LABEL[kind]}</span>
        {template.isArchived ? <span className="badge">Archived</span> : null}
      </div>
      <FormDetails key={template.id + template.name} template={template} onSaved={() => refetch({ requestPolicy: "network-only" })} />
      {status ? (
        <p className="notice" role="status">
          {status}
        </p>
      ) : null}
      <FormError message={failure} />
      {schema && !template.isArchived ? (
        <>
          <div className="actions">
            <button type="button" disabled={saveState.fetching || !dirty} onClick={() => void saveDraft()}>
              Save draft
            </button>
            <button type="button" className="primary" disabled={publishState.fetching || saveState.fetching} onClick={() => void publishDraft()}>
              Publish
            </button>
            <span className="muted">{dirty ? "Unsaved changes." : template.hasUnpublishedChanges ? "The draft has changes not yet published." : "The draft is the latest version."}</span>
          </div>
          <FormBuilder
            title={template.name}
            kind={kind}
            schema={schema}
            problems={problems}
            onChange={(next) => {
              setSchema(next);
              setServerProblems([]);
              setStatus(null);
            }}
          />
        </>
      ) : null}
      <section className="card" aria-labelledby="versions-h">
        <h2 id="versions-h">Versions</h2>
        {template.versions.length === 0 ? (
          <Empty>Not published yet.</Empty>
        ) : (
          <table className="list">
            <thead>
              <tr>
                <th scope="col">Version</th>
                <th scope="col">Title</th>
                <th scope="col">Published</th>
                <th scope="col">Content hash</th>
              </tr>
            </thead>
            <tbody>
              {template.versions.map((v) => (
                <tr key={v.id}>
                  <td>Version {v.number}</td>
                  <td>{v.title}</td>
                  <td>{formatDateTime(v.publishedAt, tz)}</td>
                  <td>
                    <code>{v.contentHash.slice(0, 12)}</code>
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        )}
        <p className="muted">
          Required by: {template.requiredByServices.length ? template.requiredByServices.map((s) => s.name).join(", ") : "no service yet (set it on each service)"}.
        </p>
      </section>
      <div className="actions">
        {template.isArchived ? (
          <button type="button" onClick={async () => (await restore({ id }), refetch({ requestPolicy: "network-only" }))}>
            Restore form
          </button>
        ) : (
          <button type="button" className="danger" onClick={async () => (await archive({ id }), refetch({ requestPolicy: "network-only" }))}>
            Archive form
          </button>
        )}
      </div>
    </section>
  );
}

function FormDetails({
  template,
  onSaved,
}: {
  template: { id: string; name: string; description: string; renewal: FormRenewal; renewalMonths?: number | null; isArchived: boolean };
  onSaved: () => void;
}) {
  const [name, setName] = useState(template.name);
  const [description, setDescription] = useState(template.description);
  const [renewal, setRenewal] = useState<FormRenewal>(template.renewal);
  const [months, setMonths] = useState(String(template.renewalMonths ?? 12));
  const [errors, setErrors] = useState<Record<string, string>>({});
  const [done, setDone] = useState(false);
  const [state, update] = useMutation(UpdateFormTemplateDocument);
  async function submit(event: FormEvent) {
    event.preventDefault();
    setDone(false);
    const result = await update({
      id: template.id,
      input: { name, description, renewal, renewalMonths: renewal === "MONTHS" ? Number(months) : null },
    });
    const payload = result.data?.updateFormTemplate;
    if (payload?.template && payload.errors.length === 0) {
      setErrors({});
      setDone(true);
      onSaved();
    } else setErrors({ ...errorsByField(payload?.errors), ...(result.error ? { "": requestError(result.error) ?? "" } : {}) });
  }
  return (
    <details className="card">
      <summary>Name, description and renewal</summary>
      <form onSubmit={submit} noValidate>
        <Field label="Form name" value={name} maxLength={120} error={errors["name"]} onChange={(e) => setName(e.target.value)} />
        <TextArea label="Description (for staff)" rows={2} value={description} error={errors["description"]} onChange={(e) => setDescription(e.target.value)} />
        <RenewalFields renewal={renewal} months={months} onRenewal={setRenewal} onMonths={setMonths} errors={errors} />
        <FormError message={errors[""] ?? errors["id"]} />
        {done ? <p role="status">Details saved.</p> : null}
        <button type="submit" disabled={state.fetching || template.isArchived}>
          Save details
        </button>
      </form>
    </details>
  );
}
