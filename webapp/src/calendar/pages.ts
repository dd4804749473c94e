import { useEffect, useMemo, useState } from "react";
import { useClient } from "urql";
import type { CalendarAppointmentFragment } from "../gql/graphql";
import { DaySchedulePageDocument, WeekSchedulePageDocument } from "./documents";

export type SchedulePage = {
  edges: readonly ({ node?: CalendarAppointmentFragment | null } | null)[];
  pageInfo: { hasNextPage: boolean; endCursor?: string | null };
};

// A bound on a runaway: 50 pages of 100 is far more than a location's week.
const MAX_PAGES = 50;

const nodesOf = (page: SchedulePage) => page.edges.flatMap((e) => (e?.node ? [e.node] : []));

/** The appointments after `first`, page after page (keyset pages follow one
 * another: each needs the cursor the previous one ended at). Nothing is asked
 * for when the first page is the whole schedule. */
export async function restOfSchedule(
  first: SchedulePage,
  fetchPage: (after: string) => Promise<SchedulePage | null>,
): Promise<CalendarAppointmentFragment[]> {
  const rest: CalendarAppointmentFragment[] = [];
  let page = first;
  for (let n = 1; n < MAX_PAGES && page.pageInfo.hasNextPage && page.pageInfo.endCursor; n++) {
    const next = await fetchPage(page.pageInfo.endCursor);
    if (!next) throw new Error("A page of the calendar could not be read.");
    rest.push(...nodesOf(next));
    page = next;
  }
  return rest;
}

/** Every appointment of the schedule whose first page is `first` (null: not
 * loaded yet). Later pages are fetched only when the first says there are more,
 * so a day of up to 100 stays one request. While a refreshed first page's
 * later pages load, those of the same day or week stay shown. */
export function useWholeSchedule(
  first: SchedulePage | null | undefined,
  variables: { view: "day" | "week"; locationId: string; date: string },
): { appointments: CalendarAppointmentFragment[]; error: string | null } {
  const client = useClient();
  const key = `${variables.view}|${variables.locationId}|${variables.date}`;
  const [rest, setRest] = useState<{ key: string; nodes: CalendarAppointmentFragment[] }>({ key: "", nodes: [] });
  const [error, setError] = useState<string | null>(null);
  useEffect(() => {
    if (!first?.pageInfo.hasNextPage) {
      // No state set when there is nothing to clear (not even the same state:
      // React may render the page again to find that out): the usual day, of
      // up to 100, costs no render more.
      if (rest.nodes.length > 0) setRest({ key, nodes: [] });
      if (error !== null) setError(null);
      return;
    }
    let current = true;
    const { view, locationId, date } = variables;
    const fetchPage = async (after: string): Promise<SchedulePage | null> => {
      if (view === "day") {
        const r = await client.query(DaySchedulePageDocument, { locationId, date, after }, { requestPolicy: "network-only" }).toPromise();
        return r.data?.daySchedule ?? null;
      }
      const r = await client.query(WeekSchedulePageDocument, { locationId, weekOf: date, after }, { requestPolicy: "network-only" }).toPromise();
      return r.data?.weekSchedule ?? null;
    };
    restOfSchedule(first, fetchPage).then(
      (nodes) => {
        if (!current) return;
        setError(null);
        setRest({ key, nodes });
      },
      (e: unknown) => {
        if (current) setError(e instanceof Error ? e.message : "A page of the calendar could not be read.");
      },
    );
    return () => {
      current = false;
    };
    // `variables` is spelled out by `key`.
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [first, key, client]);
  const appointments = useMemo(() => {
    const firstNodes = first ? nodesOf(first) : [];
    if (rest.key !== key || rest.nodes.length === 0) return firstNodes;
    const seen = new Set(firstNodes.map((a) => a.id));
    return [...firstNodes, ...rest.nodes.filter((a) => !seen.has(a.id))];
  }, [first, rest, key]);
  return { appointments, error };
}
