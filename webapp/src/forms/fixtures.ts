import type { FormSchema } from "./schema";

/** A small intake: a condition on an earlier answer, every answerable type. */
export const INTAKE: FormSchema = {
  sections: [
    {
      key: "about",
      title: "About you",
      show_if: null,
      fields: [
        { key: "intro", type: "markdown", content: "Please answer **every** question.\n\n- honestly\n- fully" },
        { key: "sex", type: "choice", label: "Sex assigned at birth", required: true, options: [{ value: "female", label: "Female" }, { value: "male", label: "Male" }] },
        { key: "pregnant", type: "yes_no", label: "Are you pregnant or breastfeeding?", required: true, show_if: { field: "sex", equals: "female" } },
        { key: "allergies", type: "text", label: "Allergies", multiline: true, maps_to: "allergies" },
        { key: "weight", type: "number", label: "Weight (kg)", min: 30, max: 300 },
        { key: "last_visit", type: "date", label: "Last treatment" },
        { key: "areas", type: "multi_choice", label: "Areas of concern", options: [{ value: "forehead", label: "Forehead" }, { value: "lips", label: "Lips" }] },
      ],
    },
    {
      key: "lip_history",
      title: "Lips",
      show_if: { field: "areas", in: ["lips"] },
      fields: [{ key: "lip_filler", type: "yes_no", label: "Lip filler before?", required: true }],
    },
    {
      key: "sign",
      title: "Signature",
      fields: [
        { key: "initials", type: "initials", label: "Initials", required: true, meaning: "I read the above." },
        { key: "signature", type: "signature", label: "Signature", required: true, meaning: "I confirm my answers are true." },
      ],
    },
  ],
};
