import { useState } from "react";
import { Field, Select, TextArea } from "../ui/Field";
import {
  addField,
  camel,
  addSection,
  conditionCandidates,
  conditionValues,
  keyFromLabel,
  moveField,
  moveSection,
  optionValue,
  removeField,
  removeSection,
  updateField,
  updateSection,
} from "./builder";
import { FormRenderer } from "./FormRenderer";
import {
  FIELD_TYPE_LABEL,
  FIELD_TYPES,
  MAPPABLE,
  MAPS_TO,
  MAPS_TO_LABEL,
  type Condition,
  type FieldType,
  type FormField,
  type FormKind,
  type FormSchema,
} from "./schema";

type Props = {
  title: string;
  kind: FormKind;
  schema: FormSchema;
  onChange: (schema: FormSchema) => void;
  /** Problems by path ("sections.0.fields.2.label"), the server's or our own. */
  problems: Record<string, string>;
};

const GENERATED_KEY = /^(text|markdown|yes_no|choice|choices|date|number|signature|initials|photo|field)_\d+$/;

/** The form builder: sections and their fields edited in place (add, move,
 * remove, every type's settings, conditions on earlier questions), beside a
 * live preview drawn by the patient's renderer. */
export function FormBuilder({ title, kind, schema, onChange, problems }: Props) {
  const [newType, setNewType] = useState<Record<number, FieldType>>({});
  return (
    <div className="builder">
      <div>
        {schema.sections.length === 0 ? <p className="empty">No sections yet: add one to start.</p> : null}
        {schema.sections.map((section, s) => {
          const path = `sections.${s}`;
          const sectionName = section.title || `Section ${s + 1}`;
          return (
            <section key={s} className="builder-section" aria-labelledby={`${path}-h`}>
              <h3 id={`${path}-h`}>
                Section {s + 1}: {section.title || "(no title)"}
              </h3>
              <div className="row">
                <Field label="Section title" value={section.title} error={problems[camel(`${path}.title`)]} onChange={(e) => onChange(updateSection(schema, s, { title: e.target.value }))} />
                <Field
                  label="Section key"
                  value={section.key}
                  error={problems[camel(`${path}.key`)]}
                  onChange={(e) => onChange(updateSection(schema, s, { key: e.target.value }))}
                />
              </div>
              <ConditionEditor
                label={`Show section “${sectionName}”`}
                schema={schema}
                candidates={conditionCandidates(schema, s, null)}
                condition={section.show_if ?? null}
                error={problems[camel(`${path}.show_if`)] ?? problems[camel(`${path}.show_if.field`)]}
                onChange={(show_if) => onChange(updateSection(schema, s, { show_if }))}
              />
              {section.fields.map((field, f) => (
                <FieldEditor
                  key={`${s}-${f}`}
                  schema={schema}
                  field={field}
                  s={s}
                  f={f}
                  number={f + 1}
                  problems={problems}
                  onChange={onChange}
                />
              ))}
              <div className="inline-form">
                <Select
                  label={`New field in “${sectionName}”`}
                  value={newType[s] ?? "text"}
                  onChange={(e) => setNewType({ ...newType, [s]: e.target.value as FieldType })}
                >
                  {FIELD_TYPES.map((t) => (
                    <option key={t} value={t}>
                      {FIELD_TYPE_LABEL[t]}
                    </option>
                  ))}
                </Select>
                <button type="button" onClick={() => onChange(addField(schema, s, newType[s] ?? "text"))}>
                  Add field to “{sectionName}”
                </button>
              </div>
              <div className="actions">
                <button type="button" disabled={s === 0} onClick={() => onChange(moveSection(schema, s, -1))}>
                  Move section “{sectionName}” up
                </button>
                <button type="button" disabled={s === schema.sections.length - 1} onClick={() => onChange(moveSection(schema, s, 1))}>
                  Move section “{sectionName}” down
                </button>
                <button type="button" className="danger" onClick={() => onChange(removeSection(schema, s))}>
                  Remove section “{sectionName}”
                </button>
              </div>
            </section>
          );
        })}
        <button type="button" onClick={() => onChange(addSection(schema))}>
          Add section
        </button>
      </div>
      <section className="builder-preview card" aria-labelledby="builder-preview-h">
        <h2 id="builder-preview-h">Preview</h2>
        <p className="hint">What the patient sees; answers here are only checked, never sent.</p>
        <h3>{title}</h3>
        <FormRenderer title={`Preview of ${title}`} kind={kind} schema={schema} preview />
      </section>
    </div>
  );
}

function ConditionEditor({
  label,
  schema,
  candidates,
  condition,
  error,
  onChange,
}: {
  label: string;
  schema: FormSchema;
  candidates: FormField[];
  condition: Condition | null;
  error: string | undefined;
  onChange: (condition: Condition | null) => void;
}) {
  const target = condition ? schema.sections.flatMap((x) => x.fields).find((x) => x.key === condition.field) : undefined;
  const values = target ? conditionValues(target) : [];
  const current = condition ? ("in" in condition ? condition.in[0] : condition.equals) : undefined;
  return (
    <div className="row">
      <Select
        label={`${label}: when`}
        value={condition?.field ?? ""}
        error={error}
        onChange={(e) => {
          const picked = candidates.find((c) => c.key === e.target.value);
          const first = picked ? conditionValues(picked)[0] : undefined;
          onChange(picked && first ? { field: picked.key, equals: first.value } : null);
        }}
      >
        <option value="">Always shown</option>
        {condition && !candidates.some((c) => c.key === condition.field) ? <option value={condition.field}>{condition.field} (not earlier)</option> : null}
        {candidates.map((c) => (
          <option key={c.key} value={c.key}>
            {c.label || c.key}
          </option>
        ))}
      </Select>
      {condition && target ? (
        <Select
          label={`${label}: answer is`}
          value={String(current)}
          onChange={(e) => {
            const v = values.find((x) => String(x.value) === e.target.value);
            if (v) onChange({ field: condition.field, equals: v.value });
          }}
        >
          {values.map((v) => (
            <option key={String(v.value)} value={String(v.value)}>
              {v.label}
            </option>
          ))}
        </Select>
      ) : null}
    </div>
  );
}

function FieldEditor({
  schema,
  field,
  s,
  f,
  number,
  problems,
  onChange,
}: {
  schema: FormSchema;
  field: FormField;
  s: number;
  f: number;
  number: number;
  problems: Record<string, string>;
  onChange: (schema: FormSchema) => void;
}) {
  const path = `sections.${s}.fields.${f}`;
  const name = field.type === "markdown" ? `information ${number}` : `“${field.label || `question ${number}`}”`;
  const set = (patch: Partial<FormField>) => onChange(updateField(schema, s, f, patch));
  const err = (k: string) => problems[camel(`${path}.${k}`)];
  const lastSection = s === schema.sections.length - 1;
  const lastField = f === (schema.sections[s]?.fields.length ?? 0) - 1;
  return (
    <div className="builder-field" role="group" aria-labelledby={`${path}-h`}>
      <h4 id={`${path}-h`}>
        {number}. {FIELD_TYPE_LABEL[field.type]}
        {field.type !== "markdown" && field.label ? `: ${field.label}` : ""}
      </h4>
      {problems[camel(path)] ? <div className="field-error">{problems[camel(path)]}</div> : null}
      {field.type === "markdown" ? (
        <TextArea label={`Text shown (${name})`} rows={5} value={field.content ?? ""} error={err("content")} onChange={(e) => set({ content: e.target.value })} />
      ) : (
        <>
          <Field
            label={`Question ${number} label`}
            value={field.label ?? ""}
            error={err("label")}
            onChange={(e) => {
              const label = e.target.value;
              const auto = GENERATED_KEY.test(field.key) || field.key === keyFromLabel(schema, field.label ?? "", field.key);
              set(auto && label.trim() ? { label, key: keyFromLabel(schema, label, field.key) } : { label });
            }}
          />
          <Field label={`Question ${number} help`} value={field.help ?? ""} error={err("help")} onChange={(e) => set({ help: e.target.value })} />
          <label className="check">
            <input type="checkbox" checked={field.required ?? false} onChange={(e) => set({ required: e.target.checked })} />
            Question {number} is required
          </label>
        </>
      )}
      <Field label={`Key of ${name}`} value={field.key} error={err("key")} onChange={(e) => set({ key: e.target.value })} hint="Names the answer; keep it once published." />
      {field.type === "choice" || field.type === "multi_choice" ? <OptionsEditor field={field} number={number} error={err("options")} set={set} /> : null}
      {field.type === "text" ? (
        <label className="check">
          <input type="checkbox" checked={field.multiline ?? false} onChange={(e) => set({ multiline: e.target.checked })} />
          Question {number}: several lines
        </label>
      ) : null}
      {field.type === "number" ? (
        <div className="row">
          <Field label={`Question ${number} smallest`} type="number" value={field.min ?? ""} error={err("min")} onChange={(e) => set({ min: e.target.value === "" ? null : Number(e.target.value) })} />
          <Field label={`Question ${number} largest`} type="number" value={field.max ?? ""} error={err("max")} onChange={(e) => set({ max: e.target.value === "" ? null : Number(e.target.value) })} />
        </div>
      ) : null}
      {field.type === "signature" || field.type === "initials" ? (
        <TextArea label={`What signing question ${number} means`} rows={2} value={field.meaning ?? ""} error={err("meaning")} onChange={(e) => set({ meaning: e.target.value })} />
      ) : null}
      {MAPPABLE.includes(field.type) ? (
        <Select
          label={`Question ${number}: copy the answer to the client's record`}
          value={field.maps_to ?? ""}
          error={err("maps_to")}
          onChange={(e) => set({ maps_to: e.target.value ? (e.target.value as FormField["maps_to"]) : null })}
        >
          <option value="">No</option>
          {MAPS_TO.map((m) => (
            <option key={m} value={m}>
              {MAPS_TO_LABEL[m]}
            </option>
          ))}
        </Select>
      ) : null}
      <ConditionEditor
        label={`Show ${name}`}
        schema={schema}
        candidates={conditionCandidates(schema, s, f)}
        condition={field.show_if ?? null}
        error={err("show_if") ?? err("show_if.field")}
        onChange={(show_if) => set({ show_if })}
      />
      <div className="actions">
        <button type="button" disabled={s === 0 && f === 0} onClick={() => onChange(moveField(schema, s, f, -1))}>
          Move {name} up
        </button>
        <button type="button" disabled={lastSection && lastField} onClick={() => onChange(moveField(schema, s, f, 1))}>
          Move {name} down
        </button>
        <button type="button" className="danger" onClick={() => onChange(removeField(schema, s, f))}>
          Remove {name}
        </button>
      </div>
    </div>
  );
}

function OptionsEditor({
  field,
  number,
  error,
  set,
}: {
  field: FormField;
  number: number;
  error: string | undefined;
  set: (patch: Partial<FormField>) => void;
}) {
  const options = field.options ?? [];
  return (
    <fieldset>
      <legend>Question {number} options</legend>
      {options.map((o, i) => (
        <div key={i} className="option-row">
          <Field
            label={`Option ${i + 1}`}
            value={o.label}
            onChange={(e) =>
              set({
                options: options.map((x, j) => (j === i ? { ...x, label: e.target.value } : x)),
              })
            }
          />
          <Field
            label={`Option ${i + 1} value`}
            value={o.value}
            onChange={(e) => set({ options: options.map((x, j) => (j === i ? { ...x, value: e.target.value } : x)) })}
          />
          <button
            type="button"
            disabled={i === 0}
            onClick={() => {
              const next = [...options];
              const [moved] = next.splice(i, 1);
              if (moved) next.splice(i - 1, 0, moved);
              set({ options: next });
            }}
          >
            Move option {i + 1} up
          </button>
          <button type="button" disabled={options.length <= 1} onClick={() => set({ options: options.filter((_, j) => j !== i) })}>
            Remove option {i + 1}
          </button>
        </div>
      ))}
      {error ? <div className="field-error">{error}</div> : null}
      <button
        type="button"
        onClick={() => {
          const label = `Option ${options.length + 1}`;
          set({ options: [...options, { label, value: optionValue(label, options.map((o) => o.value)) }] });
        }}
      >
        Add option to question {number}
      </button>
    </fieldset>
  );
}
