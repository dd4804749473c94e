import { describe, expect, it } from "vitest";
import {
  addField,
  addSection,
  conditionCandidates,
  EMPTY_SCHEMA,
  keyFromLabel,
  moveField,
  moveSection,
  optionValue,
  removeField,
  schemaProblems,
  updateField,
  updateSection,
} from "./builder";
import { INTAKE } from "./fixtures";
import { cleanField, cleanSchema, FIELD_TYPES } from "./schema";

describe("the builder's editing model", () => {
  it("adds sections and one field of every type, each with a key of its own", () => {
    let schema = addSection(EMPTY_SCHEMA, "History");
    for (const type of FIELD_TYPES) schema = addField(schema, 0, type);
    const keys = schema.sections[0]!.fields.map((f) => f.key);
    expect(keys).toHaveLength(FIELD_TYPES.length);
    expect(new Set([...keys, schema.sections[0]!.key]).size).toBe(FIELD_TYPES.length + 1);
    expect(schema.sections[0]!.fields.find((f) => f.type === "choice")!.options).toHaveLength(2);
  });

  it("moves fields within and across sections, and sections", () => {
    const down = moveField(INTAKE, 0, 6, 1); // the last of "about" to the start of "lip_history"
    expect(down.sections[1]!.fields.map((f) => f.key)).toEqual(["areas", "lip_filler"]);
    const up = moveField(INTAKE, 0, 2, -1);
    expect(up.sections[0]!.fields.map((f) => f.key).slice(0, 3)).toEqual(["intro", "pregnant", "sex"]);
    expect(moveSection(INTAKE, 2, -1).sections.map((s) => s.key)).toEqual(["about", "sign", "lip_history"]);
    expect(moveSection(INTAKE, 0, -1)).toBe(INTAKE);
  });

  it("offers conditions only on earlier yes/no and choice questions", () => {
    expect(conditionCandidates(INTAKE, 0, 2).map((f) => f.key)).toEqual(["sex"]);
    expect(conditionCandidates(INTAKE, 1, null).map((f) => f.key)).toEqual(["sex", "pregnant", "areas"]);
  });

  it("finds a condition that a move made refer to a later field", () => {
    const moved = moveField(INTAKE, 0, 1, 1); // sex below pregnant
    expect(schemaProblems(moved)).toContainEqual({
      field: "sections.0.fields.1.show_if",
      code: "CONDITION_INVALID",
      message: "A condition may only refer to a question earlier in the form.",
    });
  });

  it("renames a key everywhere a condition names it, and drops conditions on a removed field", () => {
    const renamed = updateField(INTAKE, 0, 1, { key: "sex_at_birth" });
    expect(renamed.sections[0]!.fields[2]!.show_if).toEqual({ field: "sex_at_birth", equals: "female" });
    const removed = removeField(INTAKE, 0, 1);
    expect(removed.sections[0]!.fields[1]!.show_if).toBeNull();
  });

  it("checks a draft as the server does, naming the path at fault", () => {
    let schema = addSection(EMPTY_SCHEMA);
    expect(schemaProblems(schema)).toEqual([]);
    schema = addField(schema, 0, "signature");
    schema = addField(schema, 0, "choice");
    expect(cleanField(schema.sections[0]!.fields[1]!)).not.toHaveProperty("maps_to");
    schema = updateField(schema, 0, 1, { options: [{ value: "a", label: "A" }, { value: "a", label: "B" }], maps_to: "allergies" });
    schema = updateSection(schema, 0, { title: "" });
    expect(schemaProblems(schema).map((p) => `${p.field} ${p.code}`)).toEqual([
      "sections.0.title FORM_SCHEMA_INVALID",
      "sections.0.fields.0.label FORM_SCHEMA_INVALID",
      "sections.0.fields.0.meaning FORM_SCHEMA_INVALID",
      "sections.0.fields.1.label FORM_SCHEMA_INVALID",
      "sections.0.fields.1.options OPTIONS_INVALID",
      "sections.0.fields.1.maps_to MAPS_TO_INVALID",
    ]);
    schema = addField(schema, 0, "signature");
    expect(schemaProblems(schema).map((p) => `${p.field} ${p.code}`)).toContain("sections.0.fields.2.type FORM_SCHEMA_INVALID");
    expect(schemaProblems(INTAKE)).toEqual([]);
  });

  it("sends only the keys each field type takes", () => {
    let schema = addSection(EMPTY_SCHEMA);
    for (const type of FIELD_TYPES) schema = addField(schema, 0, type);
    const sent = cleanSchema(schema).sections[0]!.fields;
    expect(Object.keys(sent.find((f) => f.type === "markdown")!).sort()).toEqual(["content", "key", "show_if", "type"]);
    expect(Object.keys(sent.find((f) => f.type === "number")!).sort()).toEqual(["key", "label", "required", "show_if", "type"]);
    expect(Object.keys(sent.find((f) => f.type === "text")!).sort()).toEqual(["key", "label", "multiline", "required", "show_if", "type"]);
  });

  it("makes keys and option values from labels", () => {
    expect(keyFromLabel(INTAKE, "Are you pregnant?")).toBe("are_you_pregnant");
    expect(keyFromLabel(INTAKE, "Allergies")).toBe("allergies_1");
    expect(keyFromLabel(INTAKE, "Allergies", "allergies")).toBe("allergies");
    expect(optionValue("Twice a day", ["twice_a_day"])).toBe("twice_a_day_2");
  });
});
