import { cleanup, render, screen, waitFor } from "@testing-library/react";
import { Client, fetchExchange, Provider } from "urql";
import { afterEach, describe, expect, it, vi } from "vitest";
import { ReadinessMark, useReadiness } from "./readiness";

afterEach(cleanup);

function Marks({ ids }: { ids: string[] }) {
  const [readiness] = useReadiness(ids);
  return (
    <ul>
      {ids.map((id) => (
        <li key={id} data-testid={id}>
          <ReadinessMark readiness={readiness.get(id)} />
        </li>
      ))}
    </ul>
  );
}

describe("the readiness marks", () => {
  it("asks in batches of 200 and marks each appointment", async () => {
    const batches: string[][] = [];
    const fetch = vi.fn(async (_url: RequestInfo | URL, init?: RequestInit) => {
      const { variables } = JSON.parse(String(init?.body)) as { variables: { ids: string[] } };
      batches.push(variables.ids);
      const rows = variables.ids.map((id) => ({
        appointmentId: id,
        ready: id.endsWith("0"),
        blockers: id.endsWith("0") ? [] : [{ code: "FORM_MISSING", templateId: "t1", templateName: "Intake" }],
      }));
      return new Response(JSON.stringify({ data: { appointmentReadiness: rows } }), { headers: { "Content-Type": "application/json" } });
    });
    const client = new Client({ url: "/graphql/", exchanges: [fetchExchange], fetch, preferGetMethod: false });
    const ids = Array.from({ length: 250 }, (_, i) => `a${i}`);
    render(
      <Provider value={client}>
        <Marks ids={ids} />
      </Provider>,
    );
    await waitFor(() => expect(screen.getByTestId("a249")).toHaveTextContent("Forms missing"));
    expect(screen.getByTestId("a10")).toHaveTextContent("Ready");
    expect(batches.map((b) => b.length).sort((x, y) => x - y)).toEqual([50, 200]);
  });
});
