import { renderHook, waitFor } from "@testing-library/react";
import type { ReactNode } from "react";
import { Client, fetchExchange, Provider } from "urql";
import { describe, expect, it } from "vitest";
import type { CalendarAppointmentFragment } from "../gql/graphql";
import { restOfSchedule, useWholeSchedule, type SchedulePage } from "./pages";

function appointment(n: number): CalendarAppointmentFragment {
  return {
    id: `a${n}`,
    status: "BOOKED",
    startsAt: "2026-12-07T15:00:00Z",
    endsAt: "2026-12-07T16:00:00Z",
    notes: "",
    client: { id: "c", displayName: `Client ${n}`, phone: "" },
    provider: { id: "p1", displayName: "Dana" },
    services: [],
    resources: [],
  };
}

/** `total` appointments cut into pages of 100, the cursor being the index reached. */
function page(total: number, after: number): SchedulePage {
  const end = Math.min(after + 100, total);
  const nodes = Array.from({ length: end - after }, (_, i) => appointment(after + i));
  return {
    edges: nodes.map((node) => ({ node })),
    pageInfo: { hasNextPage: end < total, endCursor: String(end) },
  };
}

/** A client whose server is a function of the request: every request is recorded. */
function clientAnswering(total: number, root: "daySchedule" | "weekSchedule") {
  const requests: { operationName: string; variables: Record<string, unknown> }[] = [];
  const fakeFetch = async (input: RequestInfo | URL, init?: RequestInit) => {
    const text = input instanceof Request ? await input.text() : String(init?.body);
    const body = JSON.parse(text) as { operationName: string; variables: Record<string, unknown> };
    requests.push({ operationName: body.operationName, variables: body.variables });
    const answer = { ...page(total, Number(body.variables["after"])), __typename: "AppointmentConnection" };
    return new Response(JSON.stringify({ data: { [root]: answer } }), {
      headers: { "Content-Type": "application/json" },
    });
  };
  // POST, as the app's client sends (api.ts)
  const client = new Client({ url: "/graphql/", exchanges: [fetchExchange], fetch: fakeFetch as typeof fetch, preferGetMethod: false });
  const wrapper = ({ children }: { children: ReactNode }) => <Provider value={client}>{children}</Provider>;
  return { requests, wrapper };
}

describe("the calendar's pages past the first 100", () => {
  it("asks for each following page with the cursor the previous one ended at", async () => {
    const asked: string[] = [];
    const rest = await restOfSchedule(page(250, 0), async (after) => {
      asked.push(after);
      return page(250, Number(after));
    });
    expect(asked).toEqual(["100", "200"]);
    expect(rest.map((a) => a.id)).toEqual(Array.from({ length: 150 }, (_, i) => `a${i + 100}`));
  });

  it("asks for nothing when the first page is the whole schedule", async () => {
    const rest = await restOfSchedule(page(100, 0), async () => {
      throw new Error("no page should be asked for");
    });
    expect(rest).toEqual([]);
  });

  it("gives up on a page that does not come, rather than showing part of a week as the whole", async () => {
    await expect(restOfSchedule(page(150, 0), async () => null)).rejects.toThrow("could not be read");
  });

  it("shows every appointment of a busy week: 230 in three pages, the later two fetched after", async () => {
    const { requests, wrapper } = clientAnswering(230, "weekSchedule");
    const first = page(230, 0);
    const { result } = renderHook(() => useWholeSchedule(first, { view: "week", locationId: "L", date: "2026-12-07" }), {
      wrapper,
    });
    expect(result.current.appointments).toHaveLength(100);
    await waitFor(() => expect([result.current.error, requests.length, result.current.appointments.length]).toEqual([null, 2, 230]));
    expect(new Set(result.current.appointments.map((a) => a.id)).size).toBe(230);
    expect(requests).toEqual([
      { operationName: "CalendarWeekPage", variables: { locationId: "L", weekOf: "2026-12-07", after: "100" } },
      { operationName: "CalendarWeekPage", variables: { locationId: "L", weekOf: "2026-12-07", after: "200" } },
    ]);
  });

  it("sends no request for a day of 100: the day view stays its two requests", async () => {
    const { requests, wrapper } = clientAnswering(100, "daySchedule");
    const first = page(100, 0);
    const { result } = renderHook(() => useWholeSchedule(first, { view: "day", locationId: "L", date: "2026-12-07" }), {
      wrapper,
    });
    await new Promise((resolve) => setTimeout(resolve, 20));
    expect(result.current.appointments).toHaveLength(100);
    expect(requests).toEqual([]);
  });
});
