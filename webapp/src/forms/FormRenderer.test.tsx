import { cleanup, fireEvent, render, screen, within } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import axe from "axe-core";
import { afterEach, describe, expect, it, vi } from "vitest";
import { INTAKE } from "./fixtures";
import { FormRenderer, type Submission } from "./FormRenderer";

afterEach(cleanup);

const DISCLOSURE = { version: "2026-01", text: "You agree to receive records **electronically**." };

async function fillRequired(user: ReturnType<typeof userEvent.setup>) {
  await user.click(screen.getByRole("radio", { name: "Male" }));
  await user.type(screen.getByLabelText(/^Initials/), "AB");
  await user.type(screen.getByLabelText("Type your full name"), "Ava Brown");
  await user.click(screen.getByRole("checkbox", { name: "I agree this is my signature" }));
}

describe("the form renderer", () => {
  it("shows a question when its condition holds and marks required ones", async () => {
    const user = userEvent.setup();
    render(<FormRenderer title="Intake" kind="intake" schema={INTAKE} />);
    expect(screen.queryByText(/pregnant/)).not.toBeInTheDocument();
    await user.click(screen.getByRole("radio", { name: "Female" }));
    const group = screen.getByRole("group", { name: /^Are you pregnant or breastfeeding\?/ });
    expect(group).toHaveAccessibleName(expect.stringContaining("(required)"));
    expect(within(group).getAllByRole("radio")).toHaveLength(2);
    expect(screen.getByText("every").tagName).toBe("STRONG");
  });

  it("says what is missing, next to each question, and sends nothing", async () => {
    const user = userEvent.setup();
    const onSubmit = vi.fn();
    render(<FormRenderer title="Intake" kind="intake" schema={INTAKE} disclosure={DISCLOSURE} onSubmit={onSubmit} />);
    await user.click(screen.getByRole("button", { name: "Submit" }));
    expect(onSubmit).not.toHaveBeenCalled();
    expect(screen.getByRole("alert")).toHaveTextContent("4 answers need your attention.");
    expect(screen.getByRole("checkbox", { name: "I agree to use electronic records and signatures" })).toHaveFocus();
    expect(screen.getByLabelText("Type your full name")).toHaveAccessibleDescription("Sign: type your full name.");
  });

  it("hands over the answers kept, the drawn signature and the disclosure accepted", async () => {
    const user = userEvent.setup();
    let sent: Submission | null = null;
    render(
      <FormRenderer
        title="Intake"
        kind="intake"
        schema={INTAKE}
        disclosure={DISCLOSURE}
        onSubmit={async (s) => {
          sent = s;
        }}
      />,
    );
    await user.click(screen.getByRole("checkbox", { name: "I agree to use electronic records and signatures" }));
    await fillRequired(user);
    await user.type(screen.getByLabelText("Weight (kg)"), "70");
    await user.click(screen.getByRole("checkbox", { name: "Lips" }));
    await user.click(screen.getByRole("radio", { name: "No" }));
    const pad = screen.getByRole("img", { name: "Drawn signature (optional): empty" });
    fireEvent.pointerDown(pad, { clientX: 5, clientY: 5, pointerId: 1 });
    fireEvent.pointerMove(pad, { clientX: 40, clientY: 20, pointerId: 1 });
    fireEvent.pointerUp(pad, { pointerId: 1 });
    expect(screen.getByRole("img", { name: "Drawn signature (optional): signed" })).toBeInTheDocument();
    await user.click(screen.getByRole("button", { name: "Submit" }));
    expect(sent).toMatchObject({
      answers: {
        sex: "male",
        weight: 70,
        areas: ["lips"],
        lip_filler: false,
        initials: { initials: "AB" },
        signature: { typed_name: "Ava Brown" },
      },
      decision: "completed",
      photoScope: "",
      disclosureAccepted: true,
      disclosureVersion: "2026-01",
    });
  });

  it("takes a typed name with the intent as the signature, the drawing being optional", async () => {
    const user = userEvent.setup();
    let sent: Submission | null = null;
    render(
      <FormRenderer
        title="Intake"
        kind="intake"
        schema={INTAKE}
        disclosure={DISCLOSURE}
        onSubmit={async (s) => {
          sent = s;
        }}
      />,
    );
    expect(screen.getByRole("img", { name: "Drawn signature (optional): empty" })).toBeInTheDocument();
    expect(screen.getByText(/Optional: draw with your finger, pen or mouse, or just type your name below/)).toBeInTheDocument();
    await user.click(screen.getByRole("checkbox", { name: "I agree to use electronic records and signatures" }));
    await fillRequired(user);
    await user.click(screen.getByRole("button", { name: "Submit" }));
    expect(screen.queryByRole("alert")).not.toBeInTheDocument();
    expect(sent).toMatchObject({ answers: { signature: { typed_name: "Ava Brown" } }, drawnSignatures: {}, disclosureAccepted: true });
  });

  it("asks for the intent to sign before taking a typed name", async () => {
    const user = userEvent.setup();
    const onSubmit = vi.fn();
    render(<FormRenderer title="Intake" kind="intake" schema={INTAKE} onSubmit={onSubmit} />);
    await user.click(screen.getByRole("radio", { name: "Male" }));
    await user.type(screen.getByLabelText(/^Initials/), "AB");
    await user.type(screen.getByLabelText("Type your full name"), "Ava Brown");
    await user.click(screen.getByRole("button", { name: "Submit" }));
    expect(onSubmit).not.toHaveBeenCalled();
    expect(screen.getByText("Tick “I agree this is my signature” to sign.")).toBeInTheDocument();
  });

  it("records a declined consent as a decision, and shows the server's refusal by field", async () => {
    const user = userEvent.setup();
    const onSubmit = vi.fn(async () => [{ field: "sex", code: "ANSWER_INVALID", message: "Choose one of the options." }]);
    render(<FormRenderer title="Consent" kind="consent" schema={INTAKE} onSubmit={onSubmit} submitLabel="Sign and send" />);
    await fillRequired(user);
    await user.click(screen.getByRole("radio", { name: "I decline this treatment" }));
    await user.click(screen.getByRole("button", { name: "Sign and send" }));
    expect(onSubmit).toHaveBeenCalledWith(expect.objectContaining({ decision: "declined" }));
    expect(await screen.findByText("Choose one of the options.")).toBeInTheDocument();
  });

  it("has no axe violations", async () => {
    const user = userEvent.setup();
    const { container } = render(<FormRenderer title="Photo consent" kind="photo_consent" schema={INTAKE} disclosure={DISCLOSURE} />);
    await user.click(screen.getByRole("radio", { name: "Female" }));
    await user.click(screen.getByRole("button", { name: "Submit" }));
    const results = await axe.run(container, { rules: { "color-contrast": { enabled: false } } });
    expect(results.violations.map((v) => v.id)).toEqual([]);
  });
});
