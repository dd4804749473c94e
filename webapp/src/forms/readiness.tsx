import { useCallback, useEffect, useMemo, useState } from "react";
import { useClient } from "urql";
import type { AppointmentReadinessQuery } from "../gql/graphql";
import { ReadinessDocument } from "./documents";

export type Readiness = AppointmentReadinessQuery["appointmentReadiness"][number];
export const BLOCKER_LABEL = { FORM_MISSING: "missing", FORM_EXPIRED: "expired", FORM_DECLINED: "declined" } as const;
/** The API's largest batch (appointmentReadiness `ids`). */
export const READINESS_BATCH = 200;

/** Whether each shown appointment may be checked in: one request per 200
 * appointments shown (one for a day or a usual week), asked again every 30 s
 * and when the window regains focus, so a form a patient just sent turns the
 * mark to Ready. */
export function useReadiness(ids: readonly string[]): [Map<string, Readiness>, () => void] {
  const client = useClient();
  const key = useMemo(() => [...new Set(ids)].sort().join(","), [ids]);
  const [map, setMap] = useState<Map<string, Readiness>>(new Map());
  const [round, setRound] = useState(0);
  const refresh = useCallback(() => setRound((r) => r + 1), []);

  useEffect(() => {
    const wanted = key ? key.split(",") : [];
    if (wanted.length === 0) {
      setMap(new Map());
      return;
    }
    let live = true;
    const batches: string[][] = [];
    for (let i = 0; i < wanted.length; i += READINESS_BATCH) batches.push(wanted.slice(i, i + READINESS_BATCH));
    void Promise.all(
      batches.map((batch) =>
        client.query(ReadinessDocument, { ids: batch }, { requestPolicy: round === 0 ? "cache-first" : "network-only" }).toPromise(),
      ),
    ).then((results) => {
      if (!live) return;
      const next = new Map<string, Readiness>();
      for (const result of results) for (const r of result.data?.appointmentReadiness ?? []) next.set(r.appointmentId, r);
      setMap(next);
    });
    return () => {
      live = false;
    };
  }, [client, key, round]);

  useEffect(() => {
    if (!key) return;
    const timer = window.setInterval(refresh, 30_000);
    window.addEventListener("focus", refresh);
    return () => {
      window.clearInterval(timer);
      window.removeEventListener("focus", refresh);
    };
  }, [key, refresh]);
  return [map, refresh];
}

export function ReadinessMark({ readiness, className = "badge" }: { readiness: Readiness | undefined; className?: string }) {
  if (!readiness) return null;
  return readiness.ready ? <span className={`${className} mark-ready`}>Ready</span> : <span className={`${className} mark-missing`}>Forms missing</span>;
}
