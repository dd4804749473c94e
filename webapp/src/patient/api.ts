/** The patient's forms link against the spa's public booking API
 * (/booking/graphql/: formRequest, submitFormResponse; tenant_apps/forms/graphql/patient.py)
 * and the photo upload (/forms/upload). No sign-in: the link's token (from
 * the URL's fragment, never sent anywhere else) and the date of birth are the
 * keys. Plain fetch, as the booking pages do; the answers never go in a URL. */

import type { FormKind } from "../forms/schema";

export const BOOKING_ENDPOINT = "/booking/graphql/";
export const UPLOAD_ENDPOINT = "/forms/upload";

export type PatientForm = {
  itemId: string;
  title: string;
  kind: FormKind;
  schema: unknown;
  answered: boolean;
};
export type PatientLink = {
  spaName: string;
  firstName: string;
  tablet: boolean;
  expiresAt: string;
  forms: PatientForm[];
  disclosure: { version: string; text: string };
};

/** A refusal: the API's code (or NETWORK), words for people, the field at fault. */
export class Refusal extends Error {
  constructor(
    readonly code: string,
    message: string,
    readonly field: string | null = null,
  ) {
    super(message);
  }
}

type Fetch = typeof fetch;

async function gql<T>(query: string, variables: Record<string, unknown>, fetcher: Fetch): Promise<T> {
  let response: Response;
  try {
    response = await fetcher(BOOKING_ENDPOINT, {
      method: "POST",
      headers: { "Content-Type": "application/json", Accept: "application/json" },
      body: JSON.stringify({ query, variables }),
      credentials: "omit",
      cache: "no-store",
      referrerPolicy: "no-referrer",
    });
  } catch {
    throw new Refusal("NETWORK", "The spa could not be reached. Check your connection and try again.");
  }
  let payload: { data?: T; errors?: { message: string; extensions?: { code?: string; field?: string } }[] };
  try {
    payload = (await response.json()) as typeof payload;
  } catch {
    throw response.status === 429
      ? new Refusal("RATE_LIMITED", "Too many tries. Wait a minute, then try again.")
      : new Refusal("NETWORK", "Something went wrong. Try again.");
  }
  const first = payload.errors?.[0];
  if (first) throw new Refusal(first.extensions?.code ?? "ERROR", first.message, first.extensions?.field ?? null);
  if (!payload.data) throw new Refusal("NETWORK", "Something went wrong. Try again.");
  return payload.data;
}

const OPEN = `query FormRequest($token: String!, $dateOfBirth: Date!) {
  formRequest(token: $token, dateOfBirth: $dateOfBirth) {
    spaName firstName tablet expiresAt
    forms { itemId title kind schema answered }
    disclosure { version text }
  }
}`;

export async function openLink(token: string, dateOfBirth: string, fetcher: Fetch = fetch): Promise<PatientLink> {
  const data = await gql<{ formRequest: PatientLink & { forms: (PatientForm & { kind: string })[] } }>(OPEN, { token, dateOfBirth }, fetcher);
  const link = data.formRequest;
  // The API's enum names (INTAKE, PHOTO_CONSENT) as the schema contract's kinds.
  return { ...link, forms: link.forms.map((f) => ({ ...f, kind: f.kind.toLowerCase() as FormKind })) };
}

const SUBMIT = `mutation SubmitFormResponse($token: String!, $dateOfBirth: Date!, $itemId: ID!, $answers: JSONString!,
  $decision: PatientFormDecision, $photoScope: PatientPhotoScope, $signature: ElectronicSignatureInput) {
  submitFormResponse(token: $token, dateOfBirth: $dateOfBirth, itemId: $itemId, answers: $answers,
    decision: $decision, photoScope: $photoScope, signature: $signature) {
    errors { field code message }
    completed
  }
}`;

export type SubmitInput = {
  token: string;
  dateOfBirth: string;
  itemId: string;
  answers: Record<string, unknown>;
  decision: "COMPLETED" | "ACCEPTED" | "DECLINED";
  photoScope: "CLINICAL" | "MARKETING" | null;
  signature: {
    typedName: string;
    /** Optional: the typed name with the intent box is the signature. */
    drawnImage: string | null;
    acceptElectronicRecords: boolean;
    disclosureVersion: string;
    intent: boolean;
  } | null;
};
export type FieldProblem = { field: string | null; code: string; message: string };

export async function submitForm(input: SubmitInput, fetcher: Fetch = fetch): Promise<{ errors: FieldProblem[]; completed: boolean }> {
  const data = await gql<{ submitFormResponse: { errors: FieldProblem[]; completed: boolean | null } }>(
    SUBMIT,
    { ...input, answers: JSON.stringify(input.answers) },
    fetcher,
  );
  return { errors: data.submitFormResponse.errors, completed: data.submitFormResponse.completed ?? false };
}

/** Upload a photo a form asks for; its id goes in the answer. */
export async function uploadPhoto(
  token: string,
  dateOfBirth: string,
  file: File,
  fetcher: Fetch = fetch,
): Promise<{ fileId: number } | { error: string; code: string }> {
  const body = new FormData();
  body.append("token", token);
  body.append("dateOfBirth", dateOfBirth);
  body.append("file", file);
  let response: Response;
  try {
    response = await fetcher(UPLOAD_ENDPOINT, { method: "POST", body, credentials: "omit", referrerPolicy: "no-referrer" });
  } catch {
    return { code: "NETWORK", error: "The photo could not be sent. Check your connection and try again." };
  }
  const payload = (await response.json().catch(() => ({}))) as { fileId?: string; code?: string; message?: string };
  if (response.status === 201 && payload.fileId) return { fileId: Number(payload.fileId) };
  if (response.status === 413) return { code: "FILE_TOO_LARGE", error: payload.message ?? "The photo is too large." };
  return { code: payload.code ?? "ERROR", error: payload.message ?? "The photo could not be added." };
}

/** The token in the link's fragment (`/forms/fill#<token>`), or null. */
export function tokenFromHash(hash: string): string | null {
  const token = hash.replace(/^#/, "").trim();
  return /^[A-Za-z0-9_-]{16,200}$/.test(token) ? token : null;
}
