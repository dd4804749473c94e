import { cleanup, render, screen } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { afterEach, describe, expect, it, vi } from "vitest";
import { tokenFromHash } from "./api";
import { PatientForms } from "./PatientForms";

afterEach(cleanup);

const TOKEN = "abcdefghijklmnopqrstuvwxyz0123456789ABCDEFG";
const LINK = {
  spaName: "Glow",
  firstName: "Ava",
  tablet: false,
  expiresAt: "2026-12-09T00:00:00Z",
  disclosure: { version: "2026-1", text: "Records are electronic." },
  forms: [
    {
      itemId: "item1",
      title: "Intake",
      kind: "INTAKE",
      answered: false,
      schema: JSON.stringify({
        sections: [{ key: "s", title: "Health", fields: [{ key: "on_meds", type: "yes_no", label: "Taking medication?", required: true }] }],
      }),
    },
  ],
};

/** A booking API answering each operation with `answer(operationName, variables)`. */
function server(answer: (op: string, variables: Record<string, unknown>) => unknown) {
  const calls: { op: string; variables: Record<string, unknown> }[] = [];
  const fetcher = vi.fn(async (_url: RequestInfo | URL, init?: RequestInit) => {
    const body = JSON.parse(String(init?.body)) as { query: string; variables: Record<string, unknown> };
    const op = /(query|mutation) (\w+)/.exec(body.query)?.[2] ?? "";
    calls.push({ op, variables: body.variables });
    return new Response(JSON.stringify(answer(op, body.variables)), { headers: { "Content-Type": "application/json" } });
  });
  return { fetcher: fetcher as unknown as typeof fetch, calls };
}

describe("the patient's forms page", () => {
  it("reads only a well-formed token from the fragment", () => {
    expect(tokenFromHash(`#${TOKEN}`)).toBe(TOKEN);
    expect(tokenFromHash("#short")).toBeNull();
    expect(tokenFromHash("")).toBeNull();
  });

  it("asks the date of birth, then each form, then says it is done", async () => {
    const user = userEvent.setup();
    const { fetcher, calls } = server((op) =>
      op === "FormRequest"
        ? { data: { formRequest: LINK } }
        : { data: { submitFormResponse: { errors: [], completed: true } } },
    );
    render(<PatientForms token={TOKEN} fetcher={fetcher} />);
    expect(screen.queryByText(/Ava|Glow/)).not.toBeInTheDocument();
    await user.type(screen.getByLabelText("Date of birth"), "1990-04-02");
    await user.click(screen.getByRole("button", { name: "Continue" }));
    expect(await screen.findByRole("heading", { name: "Intake" })).toHaveFocus();
    await user.click(screen.getByRole("radio", { name: "No" }));
    await user.click(screen.getByRole("button", { name: "Send" }));
    expect(await screen.findByRole("heading", { name: "Thank you, Ava" })).toBeInTheDocument();
    expect(calls[1]).toEqual({
      op: "SubmitFormResponse",
      variables: {
        token: TOKEN,
        dateOfBirth: "1990-04-02",
        itemId: "item1",
        answers: '{"on_meds":false}',
        decision: "COMPLETED",
        photoScope: null,
        signature: null,
      },
    });
  });

  it("lets a keyboard-only patient sign a consent by typing their name, with no drawing", async () => {
    const user = userEvent.setup();
    const consent = {
      ...LINK,
      forms: [
        {
          itemId: "item2",
          title: "Consent",
          kind: "CONSENT",
          answered: false,
          schema: JSON.stringify({
            sections: [
              {
                key: "s",
                title: "Consent",
                fields: [{ key: "sign", type: "signature", label: "Signature", required: true, meaning: "I consent." }],
              },
            ],
          }),
        },
      ],
    };
    const { fetcher, calls } = server((op) =>
      op === "FormRequest"
        ? { data: { formRequest: consent } }
        : { data: { submitFormResponse: { errors: [], completed: true } } },
    );
    render(<PatientForms token={TOKEN} fetcher={fetcher} />);
    await user.type(screen.getByLabelText("Date of birth"), "1990-04-02");
    await user.click(screen.getByRole("button", { name: "Continue" }));
    expect(await screen.findByRole("img", { name: "Drawn signature (optional): empty" })).toBeInTheDocument();
    await user.click(screen.getByRole("checkbox", { name: "I agree to use electronic records and signatures" }));
    await user.type(screen.getByLabelText("Type your full name"), "Ava Brown");
    await user.click(screen.getByRole("checkbox", { name: "I agree this is my signature" }));
    await user.click(screen.getByRole("radio", { name: /consent/i }));
    await user.click(screen.getByRole("button", { name: "Sign and send" }));
    expect(await screen.findByRole("heading", { name: "Thank you, Ava" })).toBeInTheDocument();
    expect(calls[1]?.variables).toMatchObject({
      decision: "ACCEPTED",
      signature: { typedName: "Ava Brown", drawnImage: null, acceptElectronicRecords: true, disclosureVersion: "2026-1", intent: true },
    });
  });

  it("shows a wrong date of birth by the field, and a dead link as one page", async () => {
    const user = userEvent.setup();
    let tries = 0;
    const { fetcher } = server(() => {
      tries += 1;
      const code = tries === 1 ? "DATE_OF_BIRTH_MISMATCH" : "LINK_INVALID";
      return { data: null, errors: [{ message: "No.", extensions: { code } }] };
    });
    render(<PatientForms token={TOKEN} fetcher={fetcher} />);
    await user.type(screen.getByLabelText("Date of birth"), "1990-04-03");
    await user.click(screen.getByRole("button", { name: "Continue" }));
    expect(await screen.findByRole("alert")).toHaveTextContent("does not match our records");
    expect(screen.getByLabelText("Date of birth")).toHaveAttribute("aria-invalid", "true");
    await user.click(screen.getByRole("button", { name: "Continue" }));
    expect(await screen.findByRole("heading", { name: "This link does not work" })).toBeInTheDocument();
  });

  it("shows the invalid-link page at once without a token", () => {
    render(<PatientForms token={null} />);
    expect(screen.getByRole("heading", { name: "This link does not work" })).toBeInTheDocument();
  });
});
