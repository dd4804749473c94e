import { useEffect, useId, useState, type FormEvent, type KeyboardEvent } from "react";
import { useClient, useMutation, useQuery } from "urql";
import { requestError } from "../api";
import { readSession } from "../auth/session";
import { graphql } from "../gql";
import type { PhotoBodyArea, PhotoPhase, PhotoView } from "../gql/graphql";
import { formatDateTime } from "../tz";
import { Dialog } from "../ui/Dialog";
import { Empty, FormError, Loading, Select } from "../ui/Field";
import { allFields, KIND_LABEL, parseSchema, type FormKind } from "./schema";
import "./forms.css";

const ClientFormResponsesDocument = graphql(`
  query ClientFormResponses($clientId: ID!) {
    clientFormResponses(clientId: $clientId, first: 50) {
      edges {
        node {
          id
          submittedAt
          decision
          photoScope
          source
          version {
            id
            number
            title
            kind
          }
          signature {
            signedAt
          }
          signedDocument {
            renderedAt
          }
        }
      }
    }
  }
`);

const SignedDocumentUrlDocument = graphql(`
  query SignedDocumentUrl($responseId: ID!) {
    signedDocumentUrl(responseId: $responseId)
  }
`);

const FormResponseDocument = graphql(`
  query FormResponseAnswers($id: ID!) {
    formResponse(id: $id) {
      id
      answers
      decision
      submittedAt
      version {
        title
        number
        schema
      }
      signature {
        typedName
        meaning
        signedAt
        disclosureVersion
        documentHash
      }
    }
  }
`);

const ClientPhotosDocument = graphql(`
  query ClientPhotos($clientId: ID!) {
    clientPhotoConsent(clientId: $clientId)
    clientPhotos(clientId: $clientId, first: 60) {
      edges {
        node {
          id
          bodyArea
          view
          phase
          takenAt
          thumbnailUrl
          consentScope
        }
      }
    }
  }
`);

const PhotoExportDocument = graphql(`
  mutation PhotoExport($ids: [ID!]!) {
    photoExport(ids: $ids) {
      url
      errors {
        field
        code
        message
      }
    }
  }
`);

export const BODY_AREA_LABEL: Record<PhotoBodyArea, string> = {
  FULL_FACE: "Full face",
  FOREHEAD: "Forehead",
  GLABELLA: "Glabella",
  CROWS_FEET: "Crow's feet",
  UNDER_EYES: "Under eyes",
  CHEEKS: "Cheeks",
  LIPS: "Lips",
  NASOLABIAL: "Nasolabial folds",
  JAWLINE: "Jawline",
  CHIN: "Chin",
  NECK: "Neck",
  CHEST: "Chest",
  HANDS: "Hands",
  BODY: "Body",
};
export const VIEW_LABEL: Record<PhotoView, string> = {
  FRONT: "Front",
  LEFT: "Left",
  RIGHT: "Right",
  LEFT_OBLIQUE: "Left oblique",
  RIGHT_OBLIQUE: "Right oblique",
};
export const PHASE_LABEL: Record<PhotoPhase, string> = { BEFORE: "Before", AFTER: "After", FOLLOW_UP: "Follow-up" };
const DECISION_LABEL = { COMPLETED: "Completed", ACCEPTED: "Consented", DECLINED: "Declined" } as const;

/** The client's forms and photos, as two tabs of the client page. */
export function ClientRecords({ clientId, tz }: { clientId: string; tz: string }) {
  const [tab, setTab] = useState<"forms" | "photos">("forms");
  const id = useId();
  const tabs = [
    ["forms", "Forms"],
    ["photos", "Photos"],
  ] as const;
  function onKey(event: KeyboardEvent) {
    if (event.key === "ArrowRight" || event.key === "ArrowLeft") {
      const next = tab === "forms" ? "photos" : "forms";
      setTab(next);
      document.getElementById(`${id}-tab-${next}`)?.focus();
    }
  }
  return (
    <div className="card">
      <div role="tablist" aria-label="Forms and photos" className="tabs" onKeyDown={onKey}>
        {tabs.map(([key, label]) => (
          <button
            key={key}
            id={`${id}-tab-${key}`}
            type="button"
            role="tab"
            aria-selected={tab === key}
            aria-controls={`${id}-panel-${key}`}
            tabIndex={tab === key ? 0 : -1}
            onClick={() => setTab(key)}
          >
            {label}
          </button>
        ))}
      </div>
      <div role="tabpanel" id={`${id}-panel-${tab}`} aria-labelledby={`${id}-tab-${tab}`} tabIndex={0}>
        {tab === "forms" ? <ClientForms clientId={clientId} tz={tz} /> : <ClientPhotos clientId={clientId} tz={tz} />}
      </div>
    </div>
  );
}

function ClientForms({ clientId, tz }: { clientId: string; tz: string }) {
  const [{ data, fetching, error }] = useQuery({ query: ClientFormResponsesDocument, variables: { clientId }, requestPolicy: "cache-and-network" });
  const [open, setOpen] = useState<string | null>(null);
  const rows = (data?.clientFormResponses?.edges ?? []).flatMap((e) => (e?.node ? [e.node] : []));
  if (fetching && !data) return <Loading what="forms" />;
  return (
    <>
      <FormError message={requestError(error)} />
      {rows.length === 0 ? (
        <Empty>No forms on file.</Empty>
      ) : (
        <table className="list">
          <caption className="sr-only">Form responses</caption>
          <thead>
            <tr>
              <th scope="col">Form</th>
              <th scope="col">Version</th>
              <th scope="col">Decision</th>
              <th scope="col">Date</th>
              <th scope="col">Signed PDF</th>
              <th scope="col">Answers</th>
            </tr>
          </thead>
          <tbody>
            {rows.map((r) => (
              <tr key={r.id}>
                <td>
                  {r.version.title} <span className="muted">({KIND_LABEL[r.version.kind.toLowerCase() as FormKind]})</span>
                </td>
                <td>{r.version.number}</td>
                <td>
                  {DECISION_LABEL[r.decision]}
                  {r.photoScope ? ` (${r.photoScope === "MARKETING" ? "marketing too" : "clinical only"})` : ""}
                </td>
                <td>{formatDateTime(r.submittedAt, tz)}</td>
                <td>
                  {r.signedDocument ? (
                    <SignedPdfButton responseId={r.id} name={`${r.version.title} v${r.version.number}`} />
                  ) : r.signature ? (
                    <span className="muted">Being prepared</span>
                  ) : (
                    <span className="muted">No signature</span>
                  )}
                </td>
                <td>
                  <button type="button" onClick={() => setOpen(r.id)}>
                    View answers to {r.version.title}
                  </button>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      {open ? <ResponseDialog id={open} tz={tz} onClose={() => setOpen(null)} /> : null}
    </>
  );
}

/** The signed PDF: a short-lived address of this host, read with the token. */
function SignedPdfButton({ responseId, name }: { responseId: string; name: string }) {
  const client = useClient();
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  async function download() {
    setError(null);
    setBusy(true);
    try {
      const result = await client.query(SignedDocumentUrlDocument, { responseId }, { requestPolicy: "network-only" }).toPromise();
      const url = result.data?.signedDocumentUrl;
      if (!url) {
        setError(requestError(result.error) ?? "The signed PDF is not ready yet.");
        return;
      }
      const token = readSession()?.token;
      const response = await fetch(url, { headers: token ? { Authorization: `Bearer ${token}` } : {}, credentials: "omit" });
      if (!response.ok) {
        setError("The signed PDF could not be downloaded.");
        return;
      }
      const blobUrl = URL.createObjectURL(await response.blob());
      const a = document.createElement("a");
      a.href = blobUrl;
      a.download = `${name.replace(/[^A-Za-z0-9 ._-]/g, "")}.pdf`;
      a.click();
      setTimeout(() => URL.revokeObjectURL(blobUrl), 10_000);
    } finally {
      setBusy(false);
    }
  }
  return (
    <>
      <button type="button" disabled={busy} onClick={() => void download()}>
        Signed PDF of {name}
      </button>
      {error ? <div className="field-error">{error}</div> : null}
    </>
  );
}

function answerText(value: unknown, options: { value: string; label: string }[] | undefined): string {
  const label = (v: unknown) => options?.find((o) => o.value === v)?.label ?? String(v);
  if (value === true) return "Yes";
  if (value === false) return "No";
  if (Array.isArray(value)) return value.map(label).join(", ");
  if (value && typeof value === "object") {
    const o = value as Record<string, unknown>;
    if ("typed_name" in o) return `Signed: ${String(o["typed_name"])}`;
    if ("initials" in o) return `Initialled: ${String(o["initials"])}`;
    if ("file_id" in o) return "Photo attached";
  }
  return label(value);
}

function ResponseDialog({ id, tz, onClose }: { id: string; tz: string; onClose: () => void }) {
  const [{ data, fetching, error }] = useQuery({ query: FormResponseDocument, variables: { id } });
  const r = data?.formResponse;
  const schema = r ? parseSchema(r.version.schema) : null;
  const answers = r ? (JSON.parse(r.answers) as Record<string, unknown>) : {};
  return (
    <Dialog title={r ? `${r.version.title}, version ${r.version.number}` : "Answers"} onClose={onClose}>
      {fetching && !data ? <Loading what="the answers" /> : null}
      <FormError message={requestError(error)} />
      {r && schema ? (
        <>
          <p>
            {DECISION_LABEL[r.decision]} on {formatDateTime(r.submittedAt, tz)}.
          </p>
          <dl className="details">
            {allFields(schema)
              .filter((f) => f.key in answers)
              .map((f) => (
                <div key={f.key} className="answer-row">
                  <dt>{f.label || f.key}</dt>
                  <dd>{answerText(answers[f.key], f.options)}</dd>
                </div>
              ))}
          </dl>
          {r.signature ? (
            <p className="muted">
              Signed electronically by {r.signature.typedName} on {formatDateTime(r.signature.signedAt, tz)} (disclosure {r.signature.disclosureVersion};
              document hash <code>{r.signature.documentHash.slice(0, 16)}</code>).
            </p>
          ) : null}
        </>
      ) : null}
    </Dialog>
  );
}

/** A signed address of this host that wants the bearer token: read it with
 * the token and show it as a data: URL (the app's CSP allows data: images). */
function useAuthorizedImage(url: string | null): string | null {
  const [src, setSrc] = useState<string | null>(null);
  useEffect(() => {
    if (!url) return;
    let live = true;
    const token = readSession()?.token;
    void fetch(url, { headers: token ? { Authorization: `Bearer ${token}` } : {}, credentials: "omit" })
      .then((r) => (r.ok ? r.blob() : null))
      .then(
        (blob) =>
          blob &&
          new Promise<string>((resolve) => {
            const reader = new FileReader();
            reader.onload = () => resolve(String(reader.result));
            reader.readAsDataURL(blob);
          }),
      )
      .then((data) => {
        if (live && data) setSrc(data);
      })
      .catch(() => undefined);
    return () => {
      live = false;
    };
  }, [url]);
  return src;
}

function Thumbnail({ url, alt }: { url: string; alt: string }) {
  const src = useAuthorizedImage(url);
  return src ? <img src={src} alt={alt} /> : <div className="img-placeholder" role="img" aria-label={`${alt} (loading)`} />;
}

function ClientPhotos({ clientId, tz }: { clientId: string; tz: string }) {
  const [{ data, fetching, error }, refetch] = useQuery({ query: ClientPhotosDocument, variables: { clientId }, requestPolicy: "cache-and-network" });
  const [picked, setPicked] = useState<string[]>([]);
  const [exportError, setExportError] = useState<string | null>(null);
  const [exported, setExported] = useState<string | null>(null);
  const [exportState, exportPhotos] = useMutation(PhotoExportDocument);
  const photos = (data?.clientPhotos?.edges ?? []).flatMap((e) => (e?.node ? [e.node] : []));
  const marketing = data?.clientPhotoConsent === "MARKETING";
  if (fetching && !data) return <Loading what="photos" />;

  async function runExport() {
    setExportError(null);
    setExported(null);
    const result = await exportPhotos({ ids: picked });
    const payload = result.data?.photoExport;
    if (payload?.url && payload.errors.length === 0) {
      const token = readSession()?.token;
      const response = await fetch(payload.url, { headers: token ? { Authorization: `Bearer ${token}` } : {}, credentials: "omit" });
      if (!response.ok) {
        setExportError("The export could not be downloaded.");
        return;
      }
      const blobUrl = URL.createObjectURL(await response.blob());
      const a = document.createElement("a");
      a.href = blobUrl;
      a.download = "photos-marketing.zip";
      a.click();
      setTimeout(() => URL.revokeObjectURL(blobUrl), 10_000);
      setExported(`${picked.length} photo${picked.length === 1 ? "" : "s"} exported for marketing.`);
    } else {
      // The server's refusal as it says it (e.g. PHOTO_NO_MARKETING_CONSENT).
      setExportError(payload?.errors.map((e) => e.message).join(" ") || requestError(result.error) || "Not exported.");
    }
  }

  return (
    <>
      <FormError message={requestError(error)} />
      <p className="muted">
        Photo consent:{" "}
        {data?.clientPhotoConsent === "MARKETING" ? "clinical record and marketing" : data?.clientPhotoConsent === "CLINICAL" ? "clinical record only" : "none on file"}.
      </p>
      <PhotoUpload clientId={clientId} onUploaded={() => refetch({ requestPolicy: "network-only" })} />
      {photos.length === 0 ? (
        <Empty>No photos yet.</Empty>
      ) : (
        <ul className="photo-grid" aria-label="Photos">
          {photos.map((p) => {
            const caption = `${BODY_AREA_LABEL[p.bodyArea]}, ${VIEW_LABEL[p.view]}, ${PHASE_LABEL[p.phase]}`;
            return (
              <li key={p.id}>
                <figure>
                  <Thumbnail url={p.thumbnailUrl} alt={`${caption}, ${formatDateTime(p.takenAt, tz)}`} />
                  <figcaption>
                    {caption}
                    <br />
                    <span className="muted">{formatDateTime(p.takenAt, tz)}</span>
                  </figcaption>
                  {marketing ? (
                    <label className="check">
                      <input
                        type="checkbox"
                        checked={picked.includes(p.id)}
                        onChange={(e) => setPicked(e.target.checked ? [...picked, p.id] : picked.filter((x) => x !== p.id))}
                      />
                      Select {caption}, {formatDateTime(p.takenAt, tz)}
                    </label>
                  ) : null}
                </figure>
              </li>
            );
          })}
        </ul>
      )}
      {marketing && photos.length ? (
        <div className="actions">
          <button type="button" disabled={picked.length === 0 || exportState.fetching} onClick={() => void runExport()}>
            Export selected for marketing
          </button>
        </div>
      ) : photos.length ? (
        <p className="muted">Marketing export needs the client's photo consent for marketing.</p>
      ) : null}
      <FormError message={exportError} />
      {exported ? <p role="status">{exported}</p> : null}
    </>
  );
}

function PhotoUpload({ clientId, onUploaded }: { clientId: string; onUploaded: () => void }) {
  const fileId = useId();
  const [file, setFile] = useState<File | null>(null);
  const [bodyArea, setBodyArea] = useState<PhotoBodyArea>("FULL_FACE");
  const [view, setView] = useState<PhotoView>("FRONT");
  const [phase, setPhase] = useState<PhotoPhase>("BEFORE");
  const [error, setError] = useState<string | null>(null);
  const [done, setDone] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  async function submit(event: FormEvent) {
    event.preventDefault();
    setError(null);
    setDone(null);
    if (!file) {
      setError("Choose a photo.");
      return;
    }
    const body = new FormData();
    body.append("file", file);
    body.append("clientId", clientId);
    body.append("bodyArea", bodyArea);
    body.append("view", view);
    body.append("phase", phase);
    setBusy(true);
    try {
      const token = readSession()?.token;
      const response = await fetch("/photos/upload", {
        method: "POST",
        body,
        headers: token ? { Authorization: `Bearer ${token}` } : {},
        credentials: "omit",
      });
      const payload = (await response.json().catch(() => ({}))) as { photo?: { id: string } | null; errors?: { message: string }[] };
      if (response.status === 201 && payload.photo) {
        setDone("Photo added.");
        setFile(null);
        (event.target as HTMLFormElement).reset();
        onUploaded();
      } else setError(payload.errors?.map((e) => e.message).join(" ") || (response.status === 413 ? "The photo is too large." : "The photo was not added."));
    } catch {
      setError("The server could not be reached. Try again.");
    } finally {
      setBusy(false);
    }
  }
  return (
    <form onSubmit={submit} noValidate className="photo-upload" aria-label="Add a photo">
      <div className="grid2">
        <div className="field">
          <label htmlFor={fileId}>Photo</label>
          <input id={fileId} type="file" accept="image/jpeg,image/png,image/heic,image/webp" onChange={(e) => setFile(e.target.files?.[0] ?? null)} />
        </div>
        <Select label="Body area" value={bodyArea} onChange={(e) => setBodyArea(e.target.value as PhotoBodyArea)}>
          {Object.entries(BODY_AREA_LABEL).map(([k, v]) => (
            <option key={k} value={k}>
              {v}
            </option>
          ))}
        </Select>
        <Select label="View" value={view} onChange={(e) => setView(e.target.value as PhotoView)}>
          {Object.entries(VIEW_LABEL).map(([k, v]) => (
            <option key={k} value={k}>
              {v}
            </option>
          ))}
        </Select>
        <Select label="Phase" value={phase} onChange={(e) => setPhase(e.target.value as PhotoPhase)}>
          {Object.entries(PHASE_LABEL).map(([k, v]) => (
            <option key={k} value={k}>
              {v}
            </option>
          ))}
        </Select>
      </div>
      <FormError message={error} />
      {done ? <p role="status">{done}</p> : null}
      <button type="submit" disabled={busy}>
        {busy ? "Uploading…" : "Upload photo"}
      </button>
    </form>
  );
}
