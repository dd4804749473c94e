import { describe, expect, it } from "vitest";
import { INTAKE } from "./fixtures";
import { keptAnswers, parseSchema, validateAnswers, visibleKeys } from "./schema";

describe("which fields a form shows", () => {
  it("shows a field only when its condition on an earlier answer holds", () => {
    expect(visibleKeys(INTAKE, {}).has("pregnant")).toBe(false);
    expect(visibleKeys(INTAKE, { sex: "male" }).has("pregnant")).toBe(false);
    expect(visibleKeys(INTAKE, { sex: "female" }).has("pregnant")).toBe(true);
  });

  it("shows a section when a several-choice answer holds one of its values", () => {
    expect(visibleKeys(INTAKE, { areas: ["forehead"] }).has("lip_history")).toBe(false);
    const shown = visibleKeys(INTAKE, { areas: ["forehead", "lips"] });
    expect(shown.has("lip_history")).toBe(true);
    expect(shown.has("lip_filler")).toBe(true);
  });
});

describe("the answers kept and checked", () => {
  const signed = { initials: { initials: "AB" }, signature: { typed_name: " Ava Brown " } };

  it("keeps no answer for a hidden field, and trims text", () => {
    const kept = keptAnswers(INTAKE, { sex: "male", pregnant: true, allergies: "  none ", ...signed });
    expect(kept).toEqual({ sex: "male", allergies: "none", initials: { initials: "AB" }, signature: { typed_name: "Ava Brown" } });
  });

  it("requires visible required fields only, with the server's codes", () => {
    const errors = validateAnswers(INTAKE, { sex: "female", ...signed });
    expect(errors).toEqual([{ field: "pregnant", code: "ANSWER_REQUIRED", message: "Choose yes or no." }]);
    expect(validateAnswers(INTAKE, { sex: "male", ...signed })).toEqual([]);
  });

  it("checks ranges, dates, options and initials without repeating the answer", () => {
    const errors = validateAnswers(INTAKE, {
      sex: "other",
      weight: 12,
      last_visit: "2025-02-30",
      areas: ["lips", "lips"],
      initials: { initials: "ABCDEFG" },
      signature: { typed_name: "Ava" },
    });
    expect(Object.fromEntries(errors.map((e) => [e.field, e.code]))).toEqual({
      sex: "ANSWER_INVALID",
      weight: "ANSWER_OUT_OF_RANGE",
      last_visit: "ANSWER_INVALID",
      areas: "ANSWER_INVALID",
      initials: "ANSWER_TOO_LONG",
      lip_filler: "ANSWER_REQUIRED",
    });
    for (const e of errors) expect(e.message).not.toContain("ABCDEFG");
  });

  it("reads a schema the API sends as JSON text, and survives a bad one", () => {
    expect(parseSchema(JSON.stringify(INTAKE))).toEqual(INTAKE);
    expect(parseSchema("{not json")).toEqual({ sections: [] });
  });
});
