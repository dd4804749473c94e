import { cleanup, render, screen } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import axe from "axe-core";
import { useState } from "react";
import { afterEach, describe, expect, it } from "vitest";
import { schemaProblems, problemsByPath } from "./builder";
import { FormBuilder } from "./FormBuilder";
import type { FormSchema } from "./schema";

afterEach(cleanup);

function Harness({ start }: { start: FormSchema }) {
  const [schema, setSchema] = useState(start);
  return (
    <>
      <FormBuilder title="Intake" kind="intake" schema={schema} onChange={setSchema} problems={problemsByPath(schemaProblems(schema))} />
      <output data-testid="schema">{JSON.stringify(schema)}</output>
    </>
  );
}

const current = () => JSON.parse(screen.getByTestId("schema").textContent ?? "{}") as FormSchema;

describe("the form builder", () => {
  it("builds a question with a condition on an earlier one, shown live in the preview", async () => {
    const user = userEvent.setup();
    render(<Harness start={{ sections: [] }} />);
    await user.click(screen.getByRole("button", { name: "Add section" }));
    await user.clear(screen.getByLabelText("Section title"));
    await user.type(screen.getByLabelText("Section title"), "History");
    await user.selectOptions(screen.getByLabelText("New field in “History”"), "yes_no");
    await user.click(screen.getByRole("button", { name: "Add field to “History”" }));
    await user.type(screen.getByLabelText("Question 1 label"), "Any allergies?");
    await user.click(screen.getByRole("checkbox", { name: "Question 1 is required" }));
    await user.selectOptions(screen.getByLabelText("New field in “History”"), "text");
    await user.click(screen.getByRole("button", { name: "Add field to “History”" }));
    await user.type(screen.getByLabelText("Question 2 label"), "Which?");
    await user.selectOptions(screen.getByLabelText("Show “Which?”: when"), "any_allergies");
    await user.selectOptions(screen.getByLabelText("Show “Which?”: answer is"), "true");
    await user.selectOptions(screen.getByLabelText("Question 2: copy the answer to the client's record"), "allergies");
    const fields = current().sections[0]!.fields;
    expect(fields[0]).toMatchObject({ key: "any_allergies", type: "yes_no", required: true });
    expect(fields[1]).toMatchObject({ key: "which", show_if: { field: "any_allergies", equals: true }, maps_to: "allergies" });
    // the preview: the second question shows once the first is answered yes
    const preview = screen.getByRole("region", { name: "Preview" });
    expect(preview).not.toHaveTextContent("Which?");
    await user.click(screen.getByRole("radio", { name: "Yes" }));
    expect(preview).toHaveTextContent("Which?");
    // moving the dependent question above its condition is flagged at once
    await user.click(screen.getByRole("button", { name: "Move “Which?” up" }));
    expect(screen.getByLabelText("Show “Which?”: when")).toHaveAccessibleDescription(
      "A condition may only refer to a question earlier in the form.",
    );
  });

  it("shows the API's errors, named by camelCase path, beside the input at fault", () => {
    const schema: FormSchema = {
      sections: [{ key: "s", title: "History", fields: [{ key: "meds", type: "text", label: "Medications", maps_to: "medications" }] }],
    };
    const problems = problemsByPath([
      { field: "sections.0.fields.0.mapsTo", message: "maps_to is allergies, medications or medical_conditions." },
      { field: "sections.0.title", message: "At most 200 characters." },
    ]);
    render(<FormBuilder title="Intake" kind="intake" schema={schema} onChange={() => {}} problems={problems} />);
    expect(screen.getByLabelText("Question 1: copy the answer to the client's record")).toHaveAccessibleDescription(
      "maps_to is allergies, medications or medical_conditions.",
    );
    expect(screen.getByLabelText("Section title")).toHaveAccessibleDescription("At most 200 characters.");
  });

  it("has no axe violations with every field type", async () => {
    const user = userEvent.setup();
    const { container } = render(<Harness start={{ sections: [] }} />);
    await user.click(screen.getByRole("button", { name: "Add section" }));
    for (const type of ["text", "markdown", "choice", "number", "signature", "photo"]) {
      await user.selectOptions(screen.getByLabelText(/^New field in/), type);
      await user.click(screen.getByRole("button", { name: /^Add field to/ }));
    }
    const results = await axe.run(container, { rules: { "color-contrast": { enabled: false } } });
    expect(results.violations.map((v) => `${v.id}: ${v.nodes.map((n) => n.target.join(" ")).join(", ")}`)).toEqual([]);
  });
});
