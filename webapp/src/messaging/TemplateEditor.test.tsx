import { cleanup, render, screen } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { Client, fetchExchange, Provider } from "urql";
import { afterEach, describe, expect, it, vi } from "vitest";
import { leadTime, reasonText } from "./labels";
import { TemplateEditor } from "./TemplatesPage";

const TEMPLATE = { kind: "REMINDER", channel: "SMS", subject: "", body: "{{ spa_name }}: see you {{ date }}", isDefault: true } as const;
const VARIABLES = [
  { name: "first_name", description: "The patient's first name." },
  { name: "date", description: "The day." },
];

/** A urql client whose server answers each mutation with `answer(variables)`. */
function clientAnswering(answer: (variables: Record<string, unknown>) => unknown) {
  const sent: Record<string, unknown>[] = [];
  const fetch = vi.fn(async (_url: RequestInfo | URL, init?: RequestInit) => {
    const { variables } = JSON.parse(String(init?.body)) as { variables: Record<string, unknown> };
    sent.push(variables);
    return new Response(JSON.stringify({ data: answer(variables) }), { headers: { "Content-Type": "application/json" } });
  });
  return { client: new Client({ url: "/graphql/", exchanges: [fetchExchange], fetch }), sent };
}

afterEach(cleanup);

describe("the template editor", () => {
  it("previews the wording with sample values, and says when a text runs long", async () => {
    const { client, sent } = clientAnswering(() => ({
      previewMessageTemplate: { errors: [], preview: { subject: "", body: "Glow: see you Tue Mar 3", longestLength: 171 } },
    }));
    render(
      <Provider value={client}>
        <TemplateEditor template={TEMPLATE} variables={VARIABLES} editable onClose={() => {}} onChanged={() => {}} />
      </Provider>,
    );
    await userEvent.click(screen.getByRole("button", { name: "Preview" }));
    expect(await screen.findByText("Glow: see you Tue Mar 3")).toBeInTheDocument();
    expect(screen.getByText(/171 characters with the longest values \(over 160: sent in parts\)/)).toHaveClass("field-error");
    // an SMS has no subject
    expect(sent[0]).toMatchObject({ kind: "REMINDER", channel: "SMS", subject: null, body: TEMPLATE.body });
    expect(screen.queryByLabelText("Subject")).not.toBeInTheDocument();
  });

  it("shows the API's error next to the message, tied to it", async () => {
    const { client } = clientAnswering(() => ({
      saveMessageTemplate: {
        errors: [{ field: "body", code: "TEMPLATE_VARIABLE_UNKNOWN", message: "Unknown variables: when." }],
        template: null,
      },
    }));
    const onChanged = vi.fn();
    render(
      <Provider value={client}>
        <TemplateEditor template={TEMPLATE} variables={VARIABLES} editable onClose={() => {}} onChanged={onChanged} />
      </Provider>,
    );
    await userEvent.click(screen.getByRole("button", { name: "Save" }));
    const message = screen.getByLabelText("Message");
    expect(await screen.findByRole("alert")).toHaveTextContent("Unknown variables: when.");
    expect(message).toHaveAttribute("aria-invalid", "true");
    expect(message).toHaveAccessibleDescription(/Unknown variables: when\./);
    expect(onChanged).not.toHaveBeenCalled();
  });

  it("offers no save or reset to someone who may only read", () => {
    const { client } = clientAnswering(() => ({}));
    render(
      <Provider value={client}>
        <TemplateEditor template={{ ...TEMPLATE, isDefault: false }} variables={VARIABLES} editable={false} onClose={() => {}} onChanged={() => {}} />
      </Provider>,
    );
    expect(screen.getByRole("button", { name: "Preview" })).toBeInTheDocument();
    expect(screen.queryByRole("button", { name: "Save" })).not.toBeInTheDocument();
    expect(screen.queryByRole("button", { name: "Reset to default" })).not.toBeInTheDocument();
    expect(screen.getByLabelText("Message")).toHaveAttribute("readonly");
  });
});

describe("messaging words", () => {
  it("says why a message was not sent, and lead times in words", () => {
    expect(reasonText("opted_out")).toBe("The client opted out of this channel.");
    expect(reasonText("something_new")).toBe("something new");
    expect(reasonText("")).toBe("");
    expect([leadTime(2880), leadTime(1440), leadTime(180), leadTime(60), leadTime(90)]).toEqual(["2 days", "1 day", "3 hours", "1 hour", "90 minutes"]);
  });
});
