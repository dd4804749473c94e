/** The form schema contract (FormTemplate.draft, FormVersion.schema) and the
 * answers to it, as the server defines them (tenant_apps/forms/): which fields
 * are shown, which answers are kept, and the client-side checks that mirror
 * the server's. The server checks again; these only spare a round trip. */

export const FIELD_TYPES = [
  "text",
  "markdown",
  "yes_no",
  "choice",
  "multi_choice",
  "date",
  "number",
  "signature",
  "initials",
  "photo",
] as const;
export type FieldType = (typeof FIELD_TYPES)[number];

export const FIELD_TYPE_LABEL: Record<FieldType, string> = {
  text: "Text",
  markdown: "Information (text shown, no answer)",
  yes_no: "Yes / no",
  choice: "One choice",
  multi_choice: "Several choices",
  date: "Date",
  number: "Number",
  signature: "Signature",
  initials: "Initials",
  photo: "Photo",
};

export const MAPS_TO = ["allergies", "medications", "medical_conditions"] as const;
export type MapsTo = (typeof MAPS_TO)[number];
export const MAPS_TO_LABEL: Record<MapsTo, string> = {
  allergies: "Allergies",
  medications: "Medications",
  medical_conditions: "Medical conditions",
};
/** The field types whose answer may be copied to the client's record. */
export const MAPPABLE: readonly FieldType[] = ["text", "multi_choice"];

export type ConditionValue = string | number | boolean;
export type Condition = { field: string; equals: ConditionValue } | { field: string; in: ConditionValue[] };
export type Option = { value: string; label: string };

export type FormField = {
  key: string;
  type: FieldType;
  label?: string;
  help?: string;
  required?: boolean;
  show_if?: Condition | null;
  maps_to?: MapsTo | null;
  options?: Option[];
  min?: number | null;
  max?: number | null;
  multiline?: boolean;
  content?: string;
  meaning?: string;
};

export type FormSection = { key: string; title: string; show_if?: Condition | null; fields: FormField[] };
export type FormSchema = { sections: FormSection[] };

export type FormKind = "intake" | "consent" | "photo_consent" | "policy";
export const KIND_LABEL: Record<FormKind, string> = {
  intake: "Medical intake",
  consent: "Treatment consent",
  photo_consent: "Photo consent",
  policy: "Policy",
};

export type SignatureAnswer = { typed_name: string };
export type InitialsAnswer = { initials: string };
export type PhotoAnswer = { file_id: number };
export type Answer = string | boolean | number | string[] | SignatureAnswer | InitialsAnswer | PhotoAnswer;
export type Answers = Record<string, Answer>;

export const LIMITS = {
  sections: 40,
  fields: 200,
  label: 500,
  title: 200,
  meaning: 2000,
  help: 1000,
  content: 20000,
  options: 50,
  text: 5000,
  initials: 6,
  typedName: 200,
} as const;

export const KEY_PATTERN = /^[a-z][a-z0-9_]{0,39}$/;

/** The keys a field of each type may carry (the server refuses others, even null). */
const COMMON_KEYS = ["key", "type", "label", "help", "required", "show_if"] as const;
const TYPE_KEYS: Record<FieldType, readonly (keyof FormField)[]> = {
  text: ["maps_to", "multiline"],
  markdown: ["content"],
  yes_no: [],
  choice: ["options"],
  multi_choice: ["options", "maps_to"],
  date: [],
  number: ["min", "max"],
  signature: ["meaning"],
  initials: ["meaning"],
  photo: [],
};

/** A field with only the keys its type takes, and no empty optional ones. */
export function cleanField(field: FormField): FormField {
  const out: Record<string, unknown> = {};
  const allowed: readonly string[] = [...COMMON_KEYS, ...TYPE_KEYS[field.type]];
  for (const [name, value] of Object.entries(field)) {
    if (!allowed.includes(name)) continue;
    if (value === null && name !== "show_if") continue;
    if (name === "help" && value === "") continue;
    out[name] = value;
  }
  return out as FormField;
}

/** The schema as the server takes it (every field cleaned). */
export function cleanSchema(schema: FormSchema): FormSchema {
  return {
    sections: schema.sections.map((s) => ({ key: s.key, title: s.title, show_if: s.show_if ?? null, fields: s.fields.map(cleanField) })),
  };
}

/** Every field, in the order the patient meets them. */
export function allFields(schema: FormSchema): FormField[] {
  return schema.sections.flatMap((s) => s.fields);
}

export function isAnswerable(type: FieldType): boolean {
  return type !== "markdown";
}

function conditionHolds(condition: Condition, answers: Answers): boolean {
  const answer = answers[condition.field];
  if (answer === undefined) return false;
  const wanted: ConditionValue[] = "in" in condition ? condition.in : [condition.equals];
  if (Array.isArray(answer)) return answer.some((a) => wanted.includes(a));
  if (typeof answer === "object") return false;
  return wanted.includes(answer);
}

/** The keys of the sections and fields shown for these answers. A condition
 * reads only earlier fields; a hidden field has no answer, so a condition on
 * it does not hold. */
export function visibleKeys(schema: FormSchema, answers: Answers): Set<string> {
  const shown = new Set<string>();
  const kept: Answers = {};
  for (const section of schema.sections) {
    if (section.show_if && !conditionHolds(section.show_if, kept)) continue;
    shown.add(section.key);
    for (const field of section.fields) {
      if (field.show_if && !conditionHolds(field.show_if, kept)) continue;
      shown.add(field.key);
      const answer = answers[field.key];
      if (answer !== undefined && isAnswerable(field.type)) kept[field.key] = answer;
    }
  }
  return shown;
}

function isEmpty(answer: Answer | undefined): boolean {
  if (answer === undefined || answer === null) return true;
  if (typeof answer === "string") return answer.trim() === "";
  if (Array.isArray(answer)) return answer.length === 0;
  if (typeof answer === "object") {
    if ("typed_name" in answer) return answer.typed_name.trim() === "";
    if ("initials" in answer) return answer.initials.trim() === "";
  }
  return false;
}

/** The answers the server takes: visible answerable fields that have one
 * (hidden fields, information blocks and blank answers are left out). */
export function keptAnswers(schema: FormSchema, answers: Answers): Answers {
  const shown = visibleKeys(schema, answers);
  const out: Answers = {};
  for (const field of allFields(schema)) {
    const answer = answers[field.key];
    if (!shown.has(field.key) || !isAnswerable(field.type) || isEmpty(answer) || answer === undefined) continue;
    if (typeof answer === "string") out[field.key] = answer.trim();
    else if (typeof answer === "object" && !Array.isArray(answer) && "typed_name" in answer)
      out[field.key] = { typed_name: answer.typed_name.trim() };
    else if (typeof answer === "object" && !Array.isArray(answer) && "initials" in answer)
      out[field.key] = { initials: answer.initials.trim() };
    else out[field.key] = answer;
  }
  return out;
}

function validDate(value: string): boolean {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(value);
  if (!m) return false;
  const [y, mo, d] = [Number(m[1]), Number(m[2]), Number(m[3])];
  const date = new Date(Date.UTC(y, mo - 1, d));
  return date.getUTCFullYear() === y && date.getUTCMonth() === mo - 1 && date.getUTCDate() === d;
}

export type AnswerError = { field: string; code: string; message: string };

/** The checks the server makes on answers (tenant_apps/forms answers_validate),
 * with the same codes; messages never repeat the answer. */
export function validateAnswers(schema: FormSchema, answers: Answers, { require = true }: { require?: boolean } = {}): AnswerError[] {
  const shown = visibleKeys(schema, answers);
  const errors: AnswerError[] = [];
  const fail = (field: string, code: string, message: string) => errors.push({ field, code, message });
  for (const field of allFields(schema)) {
    if (!shown.has(field.key) || !isAnswerable(field.type)) continue;
    const answer = answers[field.key];
    if (isEmpty(answer) || answer === undefined) {
      // A declined consent needs only its signature (the server's require=False).
      if (field.required && (require || field.type === "signature")) fail(field.key, "ANSWER_REQUIRED", requiredMessage(field.type));
      continue;
    }
    const values = (field.options ?? []).map((o) => o.value);
    switch (field.type) {
      case "text":
        if (typeof answer !== "string") fail(field.key, "ANSWER_INVALID", "Enter text.");
        else if (answer.length > LIMITS.text)
          fail(field.key, "ANSWER_TOO_LONG", `Keep it under ${LIMITS.text.toLocaleString("en-US")} characters.`);
        break;
      case "yes_no":
        if (typeof answer !== "boolean") fail(field.key, "ANSWER_INVALID", "Choose yes or no.");
        break;
      case "choice":
        if (typeof answer !== "string" || !values.includes(answer)) fail(field.key, "ANSWER_INVALID", "Choose one of the options.");
        break;
      case "multi_choice":
        if (!Array.isArray(answer) || answer.some((a) => !values.includes(a)) || new Set(answer).size !== answer.length)
          fail(field.key, "ANSWER_INVALID", "Choose among the options.");
        break;
      case "date":
        if (typeof answer !== "string" || !validDate(answer)) fail(field.key, "ANSWER_INVALID", "Enter a date.");
        break;
      case "number":
        if (typeof answer !== "number" || !Number.isFinite(answer)) fail(field.key, "ANSWER_INVALID", "Enter a number.");
        else if ((field.min != null && answer < field.min) || (field.max != null && answer > field.max))
          fail(field.key, "ANSWER_OUT_OF_RANGE", rangeMessage(field));
        break;
      case "signature":
        if (typeof answer !== "object" || !("typed_name" in answer)) fail(field.key, "ANSWER_INVALID", "Type your full name.");
        else if (answer.typed_name.trim().length > LIMITS.typedName) fail(field.key, "ANSWER_TOO_LONG", "The name is too long.");
        break;
      case "initials":
        if (typeof answer !== "object" || !("initials" in answer)) fail(field.key, "ANSWER_INVALID", "Type your initials.");
        else if (answer.initials.trim().length > LIMITS.initials)
          fail(field.key, "ANSWER_TOO_LONG", `Initials are at most ${LIMITS.initials} characters.`);
        break;
      case "photo":
        if (typeof answer !== "object" || !("file_id" in answer)) fail(field.key, "ANSWER_INVALID", "Add a photo.");
        break;
    }
  }
  return errors;
}

function requiredMessage(type: FieldType): string {
  switch (type) {
    case "yes_no":
      return "Choose yes or no.";
    case "choice":
      return "Choose one.";
    case "multi_choice":
      return "Choose at least one.";
    case "signature":
      return "Sign: type your full name.";
    case "initials":
      return "Type your initials.";
    case "photo":
      return "Add a photo.";
    default:
      return "This is required.";
  }
}

export function rangeMessage(field: FormField): string {
  if (field.min != null && field.max != null) return `Enter a number from ${field.min} to ${field.max}.`;
  if (field.min != null) return `Enter ${field.min} or more.`;
  return `Enter ${field.max} or less.`;
}

/** Forms whose submission records a decision rather than plain completion. */
export function hasDecision(kind: FormKind): boolean {
  return kind === "consent" || kind === "photo_consent";
}

export function needsSignature(schema: FormSchema): boolean {
  return allFields(schema).some((f) => f.type === "signature" || f.type === "initials");
}

/** A schema as the API sends it (JSON text or an object), or an empty one. */
export function parseSchema(value: unknown): FormSchema {
  const raw = typeof value === "string" ? (safeParse(value) as unknown) : value;
  if (raw && typeof raw === "object" && Array.isArray((raw as { sections?: unknown }).sections)) {
    return raw as FormSchema;
  }
  return { sections: [] };
}

function safeParse(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return null;
  }
}

/** A path or key as the API names it in errors (camelCase: "sections.0.fields.1.showIf", "lipFiller"). */
export function camel(path: string): string {
  return path.replace(/_([a-z0-9])/g, (_, c: string) => c.toUpperCase());
}
