import { useCallback, useEffect, useMemo } from "react";
import { useQuery } from "urql";
import type { AppointmentReadinessQuery } from "../gql/graphql";
import { ReadinessDocument } from "./documents";

export type Readiness = AppointmentReadinessQuery["appointmentReadiness"][number];
export const BLOCKER_LABEL = { FORM_MISSING: "missing", FORM_EXPIRED: "expired", FORM_DECLINED: "declined" } as const;

/** Whether each shown appointment may be checked in (one batch request for
 * the visible range, at most 200; asked again every 30 s and when the window
 * regains focus, so a form a patient just sent turns the mark to Ready). */
export function useReadiness(ids: readonly string[]): [Map<string, Readiness>, () => void] {
  const wanted = useMemo(() => [...ids].sort().slice(0, 200), [ids]);
  const [result, refetch] = useQuery({ query: ReadinessDocument, variables: { ids: wanted }, pause: wanted.length === 0 });
  useEffect(() => {
    if (wanted.length === 0) return;
    const again = () => refetch({ requestPolicy: "network-only" });
    const timer = window.setInterval(again, 30_000);
    window.addEventListener("focus", again);
    return () => {
      window.clearInterval(timer);
      window.removeEventListener("focus", again);
    };
  }, [wanted, refetch]);
  const map = useMemo(() => new Map((result.data?.appointmentReadiness ?? []).map((r) => [r.appointmentId, r])), [result.data]);
  const refresh = useCallback(() => {
    if (wanted.length) refetch({ requestPolicy: "network-only" });
  }, [wanted, refetch]);
  return [map, refresh];
}

export function ReadinessMark({ readiness, className = "badge" }: { readiness: Readiness | undefined; className?: string }) {
  if (!readiness) return null;
  return readiness.ready ? <span className={`${className} mark-ready`}>Ready</span> : <span className={`${className} mark-missing`}>Forms missing</span>;
}
