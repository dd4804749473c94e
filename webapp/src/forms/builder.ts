/** The form builder's editing model: pure functions from one schema to the
 * next (add, move, remove, change sections and fields), and the checks the
 * server makes on a draft (tenant_apps/forms/schema.py), with its error codes
 * and paths ("sections.0.fields.3.options"), so the builder can show a
 * problem beside the part it concerns before saving. */

import {
  allFields,
  camel,
  FIELD_TYPES,
  isAnswerable,
  KEY_PATTERN,
  LIMITS,
  MAPPABLE,
  MAPS_TO,
  type Condition,
  type ConditionValue,
  type FieldType,
  type FormField,
  type FormSchema,
  type FormSection,
} from "./schema";

export const EMPTY_SCHEMA: FormSchema = { sections: [] };

/** Every key in use (sections and fields share one namespace). */
export function usedKeys(schema: FormSchema): Set<string> {
  const keys = new Set<string>();
  for (const s of schema.sections) {
    keys.add(s.key);
    for (const f of s.fields) keys.add(f.key);
  }
  return keys;
}

export function freshKey(schema: FormSchema, stem: string): string {
  const keys = usedKeys(schema);
  const base = stem.replace(/[^a-z0-9_]/g, "_").replace(/^[^a-z]+/, "").slice(0, 34) || "field";
  for (let n = 1; ; n += 1) {
    const key = `${base}_${n}`;
    if (!keys.has(key)) return key;
  }
}

/** A key from a label ("Are you pregnant?" -> "are_you_pregnant"), unique in the form. */
export function keyFromLabel(schema: FormSchema, label: string, own?: string): string {
  const slug = label
    .toLowerCase()
    .normalize("NFKD")
    .replace(/[^a-z0-9]+/g, "_")
    .replace(/^[^a-z]+|_+$/g, "")
    .slice(0, 40)
    .replace(/_+$/, "");
  const keys = usedKeys(schema);
  if (own) keys.delete(own);
  if (slug && !keys.has(slug)) return slug;
  return freshKey(schema, slug.slice(0, 34) || "field");
}

function withSections(schema: FormSchema, sections: FormSection[]): FormSchema {
  return { ...schema, sections };
}

function replaceSection(schema: FormSchema, index: number, change: (s: FormSection) => FormSection): FormSchema {
  return withSections(
    schema,
    schema.sections.map((s, i) => (i === index ? change(s) : s)),
  );
}

export function addSection(schema: FormSchema, title = "New section"): FormSchema {
  const key = freshKey(schema, "section");
  return withSections(schema, [...schema.sections, { key, title, show_if: null, fields: [] }]);
}

export function newField(schema: FormSchema, type: FieldType): FormField {
  const key = freshKey(schema, type === "multi_choice" ? "choices" : type);
  const base: FormField = { key, type, label: "", help: "", required: false, show_if: null };
  switch (type) {
    case "markdown":
      return { key, type, content: "", show_if: null };
    case "choice":
    case "multi_choice":
      return {
        ...base,
        options: [
          { value: "option_1", label: "Option 1" },
          { value: "option_2", label: "Option 2" },
        ],
        ...(type === "multi_choice" ? { maps_to: null } : {}),
      };
    case "text":
      return { ...base, multiline: false, maps_to: null };
    case "number":
      return { ...base, min: null, max: null };
    case "signature":
      return { ...base, required: true, meaning: "" };
    case "initials":
      return { ...base, required: true, meaning: "" };
    default:
      return base;
  }
}

export function addField(schema: FormSchema, sectionIndex: number, type: FieldType): FormSchema {
  const field = newField(schema, type);
  return replaceSection(schema, sectionIndex, (s) => ({ ...s, fields: [...s.fields, field] }));
}

export function updateSection(schema: FormSchema, index: number, patch: Partial<FormSection>): FormSchema {
  const old = schema.sections[index];
  let next = replaceSection(schema, index, (s) => ({ ...s, ...patch }));
  if (old && patch.key !== undefined && patch.key !== old.key) next = renameInConditions(next, old.key, patch.key);
  return next;
}

export function updateField(schema: FormSchema, sectionIndex: number, fieldIndex: number, patch: Partial<FormField>): FormSchema {
  const old = schema.sections[sectionIndex]?.fields[fieldIndex];
  let next = replaceSection(schema, sectionIndex, (s) => ({
    ...s,
    fields: s.fields.map((f, i) => (i === fieldIndex ? { ...f, ...patch } : f)),
  }));
  if (old && patch.key !== undefined && patch.key !== old.key) next = renameInConditions(next, old.key, patch.key);
  return next;
}

function renameInConditions(schema: FormSchema, from: string, to: string): FormSchema {
  const rename = (c: Condition | null | undefined) => (c && c.field === from ? { ...c, field: to } : c);
  return withSections(
    schema,
    schema.sections.map((s) => ({
      ...s,
      show_if: rename(s.show_if) ?? null,
      fields: s.fields.map((f) => (f.show_if ? { ...f, show_if: rename(f.show_if) ?? null } : f)),
    })),
  );
}

/** Move a section up (-1) or down (+1). */
export function moveSection(schema: FormSchema, index: number, delta: -1 | 1): FormSchema {
  const to = index + delta;
  if (to < 0 || to >= schema.sections.length) return schema;
  const sections = [...schema.sections];
  const [moved] = sections.splice(index, 1);
  if (moved) sections.splice(to, 0, moved);
  return withSections(schema, sections);
}

/** Move a field up or down; past the edge of its section it goes to the end
 * of the section before, or the start of the one after. */
export function moveField(schema: FormSchema, sectionIndex: number, fieldIndex: number, delta: -1 | 1): FormSchema {
  const section = schema.sections[sectionIndex];
  const field = section?.fields[fieldIndex];
  if (!section || !field) return schema;
  const to = fieldIndex + delta;
  if (to >= 0 && to < section.fields.length) {
    const fields = [...section.fields];
    fields.splice(fieldIndex, 1);
    fields.splice(to, 0, field);
    return replaceSection(schema, sectionIndex, (s) => ({ ...s, fields }));
  }
  const target = sectionIndex + delta;
  if (target < 0 || target >= schema.sections.length) return schema;
  return withSections(
    schema,
    schema.sections.map((s, i) => {
      if (i === sectionIndex) return { ...s, fields: s.fields.filter((_, j) => j !== fieldIndex) };
      if (i === target) return { ...s, fields: delta < 0 ? [...s.fields, field] : [field, ...s.fields] };
      return s;
    }),
  );
}

/** Remove a section and its fields; conditions on what went are dropped. */
export function removeSection(schema: FormSchema, index: number): FormSchema {
  const gone = schema.sections[index];
  if (!gone) return schema;
  const keys = new Set([gone.key, ...gone.fields.map((f) => f.key)]);
  return dropConditionsOn(
    withSections(
      schema,
      schema.sections.filter((_, i) => i !== index),
    ),
    keys,
  );
}

export function removeField(schema: FormSchema, sectionIndex: number, fieldIndex: number): FormSchema {
  const gone = schema.sections[sectionIndex]?.fields[fieldIndex];
  if (!gone) return schema;
  return dropConditionsOn(
    replaceSection(schema, sectionIndex, (s) => ({ ...s, fields: s.fields.filter((_, i) => i !== fieldIndex) })),
    new Set([gone.key]),
  );
}

function dropConditionsOn(schema: FormSchema, keys: Set<string>): FormSchema {
  const keep = (c: Condition | null | undefined) => (c && keys.has(c.field) ? null : (c ?? null));
  return withSections(
    schema,
    schema.sections.map((s) => ({
      ...s,
      show_if: keep(s.show_if),
      fields: s.fields.map((f) => ("show_if" in f ? { ...f, show_if: keep(f.show_if) } : f)),
    })),
  );
}

/** The fields a condition may name: answerable with a closed set of answers
 * (yes/no and choices), and earlier in the form than what it hides. */
export function conditionCandidates(schema: FormSchema, sectionIndex: number, fieldIndex: number | null): FormField[] {
  const out: FormField[] = [];
  schema.sections.forEach((s, i) => {
    s.fields.forEach((f, j) => {
      const earlier = i < sectionIndex || (fieldIndex !== null && i === sectionIndex && j < fieldIndex);
      if (earlier && (f.type === "yes_no" || f.type === "choice" || f.type === "multi_choice")) out.push(f);
    });
  });
  return out;
}

/** The values a condition on `field` may test, with their labels. */
export function conditionValues(field: FormField): { value: ConditionValue; label: string }[] {
  if (field.type === "yes_no")
    return [
      { value: true, label: "Yes" },
      { value: false, label: "No" },
    ];
  return (field.options ?? []).map((o) => ({ value: o.value, label: o.label || o.value }));
}

export type SchemaProblem = { field: string; code: string; message: string };

/** The checks the server makes on a draft, with its codes; `field` is the path
 * of the part at fault ("sections.0.fields.2.label"). */
export function schemaProblems(schema: FormSchema): SchemaProblem[] {
  const problems: SchemaProblem[] = [];
  const fail = (field: string, code: string, message: string) => problems.push({ field, code, message });
  if (schema.sections.length > LIMITS.sections) fail("sections", "FORM_SCHEMA_TOO_LARGE", `At most ${LIMITS.sections} sections.`);
  if (allFields(schema).length > LIMITS.fields) fail("sections", "FORM_SCHEMA_TOO_LARGE", `At most ${LIMITS.fields} fields.`);
  const seen = new Map<string, ConditionTarget>();
  const checkCondition = (path: string, condition: Condition | null | undefined) => {
    if (!condition) return;
    const target = seen.get(condition.field);
    if (!target) {
      fail(`${path}.show_if`, "CONDITION_INVALID", "A condition may only refer to a question earlier in the form.");
      return;
    }
    const tested = "in" in condition ? condition.in : [condition.equals];
    if (tested.length === 0 || tested.some((v) => !target.values.some((t) => t === v)))
      fail(`${path}.show_if`, "CONDITION_INVALID", "Choose an answer the question can have.");
  };
  const keys = new Set<string>();
  let signatures = 0;
  const checkKey = (path: string, key: string) => {
    if (!KEY_PATTERN.test(key))
      fail(`${path}.key`, "KEY_INVALID", "A key starts with a lower-case letter, then lower-case letters, digits or _ (at most 40).");
    else if (keys.has(key)) fail(`${path}.key`, "KEY_DUPLICATE", "Another section or field has this key.");
    keys.add(key);
  };
  schema.sections.forEach((section, i) => {
    const path = `sections.${i}`;
    checkKey(path, section.key);
    if (!section.title.trim()) fail(`${path}.title`, "FORM_SCHEMA_INVALID", "Give the section a title.");
    else if (section.title.length > LIMITS.label) fail(`${path}.title`, "TEXT_TOO_LONG", `At most ${LIMITS.label} characters.`);
    checkCondition(path, section.show_if);
    section.fields.forEach((field, j) => {
      const fpath = `${path}.fields.${j}`;
      checkKey(fpath, field.key);
      if (!FIELD_TYPES.includes(field.type)) {
        fail(`${fpath}.type`, "FIELD_TYPE_INVALID", "Unknown field type.");
        return;
      }
      checkCondition(fpath, field.show_if);
      if (field.type === "markdown") {
        if (!(field.content ?? "").trim()) fail(`${fpath}.content`, "FORM_SCHEMA_INVALID", "Write the text to show.");
        else if ((field.content ?? "").length > LIMITS.content)
          fail(`${fpath}.content`, "TEXT_TOO_LONG", `At most ${LIMITS.content.toLocaleString("en-US")} characters.`);
      } else {
        const label = field.label ?? "";
        if (!label.trim()) fail(`${fpath}.label`, "FORM_SCHEMA_INVALID", "Give the question a label.");
        else if (label.length > LIMITS.label) fail(`${fpath}.label`, "TEXT_TOO_LONG", `At most ${LIMITS.label} characters.`);
      }
      if ((field.help ?? "").length > LIMITS.help) fail(`${fpath}.help`, "TEXT_TOO_LONG", `At most ${LIMITS.help.toLocaleString("en-US")} characters.`);
      if (field.type === "choice" || field.type === "multi_choice") {
        const options = field.options ?? [];
        const values = options.map((o) => o.value);
        if (options.length < 1 || options.length > LIMITS.options)
          fail(`${fpath}.options`, "OPTIONS_INVALID", `Give 1 to ${LIMITS.options} options.`);
        else if (new Set(values).size !== values.length) fail(`${fpath}.options`, "OPTIONS_INVALID", "Two options have the same value.");
        else if (options.some((o) => !o.value.trim() || !o.label.trim())) fail(`${fpath}.options`, "OPTIONS_INVALID", "Every option needs a label.");
      }
      if (field.maps_to != null && (!MAPPABLE.includes(field.type) || !MAPS_TO.includes(field.maps_to)))
        fail(`${fpath}.maps_to`, "MAPS_TO_INVALID", "Only text and several-choice answers can be copied to the record.");
      if (field.type === "number" && field.min != null && field.max != null && field.min > field.max)
        fail(`${fpath}.min`, "FORM_SCHEMA_INVALID", "The smallest value is above the largest.");
      if (field.type === "signature" && !(field.meaning ?? "").trim())
        fail(`${fpath}.meaning`, "FORM_SCHEMA_INVALID", "Say what signing means.");
      if ((field.meaning ?? "").length > LIMITS.meaning) fail(`${fpath}.meaning`, "TEXT_TOO_LONG", `At most ${LIMITS.meaning} characters.`);
      if (field.type === "signature") {
        signatures += 1;
        if (signatures > 1) fail(`${fpath}.type`, "FORM_SCHEMA_INVALID", "A form has at most one signature field.");
      }
      if (isAnswerable(field.type) && (field.type === "yes_no" || field.type === "choice" || field.type === "multi_choice"))
        seen.set(field.key, { values: field.type === "yes_no" ? [true, false] : (field.options ?? []).map((o) => o.value) });
    });
  });
  return problems;
}
type ConditionTarget = { values: ConditionValue[] };

/** An option's value from its label ("Twice a day" -> "twice_a_day"), unique among the field's options. */
export function optionValue(label: string, taken: string[]): string {
  const base =
    label
      .toLowerCase()
      .replace(/[^a-z0-9]+/g, "_")
      .replace(/^_+|_+$/g, "")
      .slice(0, 40) || "option";
  let value = base;
  for (let n = 2; taken.includes(value); n += 1) value = `${base}_${n}`;
  return value;
}

export { camel };

/** Problems (the API's or our own) grouped by path in the API's camelCase,
 * for the editor's inputs (look them up with `camel(path)`). */
export function problemsByPath(problems: readonly { field?: string | null; message: string }[]): Record<string, string> {
  const out: Record<string, string> = {};
  for (const p of problems) {
    const key = camel(p.field ?? "");
    out[key] = out[key] ? `${out[key]} ${p.message}` : p.message;
  }
  return out;
}
