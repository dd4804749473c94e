import type { CalendarAppointmentFragment, CalendarColumnsFragment } from "../gql/graphql";
import { atTime, isoWeekday, toWall } from "../tz";

export type Grouping = "provider" | "room";

export type CalendarEvent = {
  id: string;
  title: string;
  start: Date;
  end: Date;
  resourceId: string;
  appointment: CalendarAppointmentFragment;
};

export type Column = { id: string; title: string };

export type Frame = {
  timezone: string;
  hours: { weekday: number; opensAt: string; closesAt: string }[];
  staff: NonNullable<NonNullable<NonNullable<CalendarColumnsFragment["staff"]>["edges"][number]>["node"]>[];
  resources: { id: string; name: string; kind: string }[];
};

export function frameOf(data: CalendarColumnsFragment, fallbackTz: string): Frame {
  const location = data.location && "hours" in data.location ? data.location : null;
  return {
    timezone: location?.timezone ?? fallbackTz,
    hours: location?.hours ?? [],
    staff: (data.staff?.edges ?? []).flatMap((e) => (e?.node ? [e.node] : [])),
    resources: (data.resources?.edges ?? []).flatMap((e) => (e?.node ? [e.node] : [])),
  };
}

export const STATUS_LABEL: Record<string, string> = {
  BOOKED: "Booked",
  CONFIRMED: "Confirmed",
  CHECKED_IN: "Checked in",
  COMPLETED: "Completed",
  CANCELLED: "Cancelled",
  NO_SHOW: "No-show",
};

/** Events in the location's wall time: one per appointment (by provider), or
 * one per room or device it holds (by room). Cancelled ones are left out. */
export function eventsOf(
  appointments: readonly CalendarAppointmentFragment[],
  grouping: Grouping,
  tz: string,
): CalendarEvent[] {
  const events: CalendarEvent[] = [];
  for (const a of appointments) {
    if (a.status === "CANCELLED") continue;
    const title = `${a.client.displayName} · ${a.services.map((s) => s.service.name).join(", ")}`;
    const base = { title, start: toWall(a.startsAt, tz), end: toWall(a.endsAt, tz), appointment: a };
    if (grouping === "provider") {
      events.push({ ...base, id: a.id, resourceId: a.provider.id });
    } else {
      for (const r of a.resources) events.push({ ...base, id: `${a.id}|${r.id}`, resourceId: r.id });
    }
  }
  return events;
}

// A span of time off in wall time, converted once per span (the calendar asks
// for every slot of every column on each render; Intl's conversion is the cost).
const wallSpans = new WeakMap<object, [Date, Date]>();
function wallSpan(span: { startsAt: string; endsAt: string }, tz: string): [Date, Date] {
  let found = wallSpans.get(span);
  if (!found) {
    found = [toWall(span.startsAt, tz), toWall(span.endsAt, tz)];
    wallSpans.set(span, found);
  }
  return found;
}

/** Shading of a slot: outside opening hours, outside the provider's working
 * hours here, or in their time off. Time off that has ended is not known: the
 * API lists only what has not ended yet (`upcomingTimeOff`). */
export function slotShade(
  frame: Frame,
  locationId: string,
  wall: Date,
  resourceId: string | number | undefined,
  grouping: Grouping,
): string | undefined {
  const weekday = isoWeekday(wall);
  const open = frame.hours.some(
    (h) => h.weekday === weekday && atTime(wall, h.opensAt) <= wall && wall < atTime(wall, h.closesAt),
  );
  if (!open) return "slot-closed";
  if (grouping !== "provider" || resourceId === undefined) return undefined;
  const provider = frame.staff.find((s) => s.id === resourceId);
  if (!provider) return undefined;
  if (
    provider.upcomingTimeOff.some((t) => {
      const [start, end] = wallSpan(t, frame.timezone);
      return start <= wall && wall < end;
    })
  ) {
    return "slot-time-off";
  }
  const working = provider.workingHours.some(
    (h) =>
      h.location.id === locationId &&
      h.weekday === weekday &&
      atTime(wall, h.startsAt) <= wall &&
      wall < atTime(wall, h.endsAt),
  );
  return working ? undefined : "slot-off";
}

/** The hours the day grid spans: the location's earliest opening to latest closing. */
export function gridHours(frame: Frame, day: Date): { min: Date; max: Date } {
  let open = 24;
  let close = 0;
  for (const h of frame.hours) {
    open = Math.min(open, Number(h.opensAt.slice(0, 2)));
    close = Math.max(close, Math.ceil(Number(h.closesAt.slice(0, 2)) + Number(h.closesAt.slice(3, 5)) / 60));
  }
  if (open >= close) {
    open = 8;
    close = 20;
  }
  const min = new Date(day.getFullYear(), day.getMonth(), day.getDate(), open, 0);
  const max = new Date(day.getFullYear(), day.getMonth(), day.getDate(), Math.min(close, 23), close >= 24 ? 59 : 0);
  return { min, max };
}
