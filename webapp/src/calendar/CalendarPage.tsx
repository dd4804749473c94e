import { useCallback, useEffect, useMemo, useRef, useState } from "react";
import { useSearchParams } from "react-router";
import { Calendar, dateFnsLocalizer, type SlotInfo, type View } from "react-big-calendar";
import withDragAndDropModule, { type EventInteractionArgs } from "react-big-calendar/lib/addons/dragAndDrop";
import "react-big-calendar/lib/css/react-big-calendar.css";
import "react-big-calendar/lib/addons/dragAndDrop/styles.css";
import { format, getDay, parse, startOfWeek } from "date-fns";
import { enUS } from "date-fns/locale/en-US";
import { useMutation, useQuery } from "urql";
import { can, FRONT_OFFICE, useSession } from "../auth/AuthContext";
import { requestError } from "../api";
import { FormError, Loading } from "../ui/Field";
import { fromWall, isoDay, todayIn, toWall } from "../tz";
import { CalendarDayDocument, CalendarWeekDocument, RescheduleDocument } from "./documents";
import { eventsOf, frameOf, gridHours, slotShade, STATUS_LABEL, type CalendarEvent, type Grouping } from "./model";
import { AppointmentPanel } from "./AppointmentPanel";
import { ReadinessMark, useReadiness } from "../forms/readiness";
import { useWholeSchedule } from "./pages";
import { BookDialog, type BookingStart } from "./BookDialog";

const localizer = dateFnsLocalizer({
  format,
  parse,
  startOfWeek: (date: Date) => startOfWeek(date, { weekStartsOn: 1 }),
  getDay,
  locales: { "en-US": enUS },
});

// The add-on is CommonJS: the bundler may hand over its module object rather than its default.
const withDragAndDrop =
  (withDragAndDropModule as unknown as { default?: typeof withDragAndDropModule }).default ?? withDragAndDropModule;
const DnDCalendar = withDragAndDrop<CalendarEvent, { id: string; title: string }>(Calendar);

const LAST_LOCATION = "medspa.location";

function parseDay(value: string | null): Date | null {
  const match = value ? /^(\d{4})-(\d{2})-(\d{2})$/.exec(value) : null;
  if (!match) return null;
  const day = new Date(Number(match[1]), Number(match[2]) - 1, Number(match[3]));
  return Number.isNaN(day.getTime()) ? null : day;
}

type MoveError = { appointmentId: string; message: string };

export default function CalendarPage() {
  const { me, locations, spa } = useSession();
  // What the calendar shows lives in the address (?location=&date=&view=&by=):
  // a reload, the back button and a shared link show the same day.
  const [params, setParams] = useSearchParams();
  // Without one in the address: the location this browser last showed.
  const locationId =
    locations.find((l) => l.id === params.get("location"))?.id ??
    locations.find((l) => l.id === window.localStorage.getItem(LAST_LOCATION))?.id ??
    locations[0]?.id ??
    "";
  const location = locations.find((l) => l.id === locationId);
  const tz = location?.timezone ?? spa.timezone;
  const view: "day" | "week" = params.get("view") === "week" ? "week" : "day";
  const grouping: Grouping = params.get("by") === "room" && me.role !== "PROVIDER" ? "room" : "provider";
  const day = parseDay(params.get("date")) ?? todayIn(tz);
  const update = useCallback(
    (changes: Record<string, string>) => {
      setParams(
        (current) => {
          const next = new URLSearchParams(current);
          for (const [key, value] of Object.entries(changes)) next.set(key, value);
          return next;
        },
        { replace: true },
      );
    },
    [setParams],
  );
  // Name the location and day in the address from the start, so a reload asks
  // for them beside the session (App's usePrefetchedDay). Only while the browser
  // is still at the calendar: a link followed while the calendar's code was
  // loading (the old screen kept during the change) is not undone by this.
  useEffect(() => {
    if (!window.location.pathname.endsWith("/calendar")) return;
    if (locationId && (!params.get("location") || !params.get("date"))) {
      update({ location: locationId, date: isoDay(day) });
    }
  });
  const setView = (v: "day" | "week") => update({ view: v });  // the calendar's own toolbar
  const setGrouping = (g: Grouping) => update({ by: g });
  const setDay = (d: Date) => update({ date: isoDay(d) });
  const setLocationId = (id: string) => {
    window.localStorage.setItem(LAST_LOCATION, id);
    update({ location: id });
  };
  const [selected, setSelected] = useState<string | null>(null);
  const [booking, setBooking] = useState<BookingStart | null>(null);
  const [moveError, setMoveError] = useState<MoveError | null>(null);
  // Every member books, moves and progresses what they see: the API gives a
  // provider only their own appointments and refuses them anyone else's. Only
  // the front office adds clients.
  const frontOffice = can(me.role, FRONT_OFFICE);
  const isProvider = me.role === "PROVIDER";

  // The first day shown may already be cached (App's usePrefetchedDay) or on
  // its way: take it; later days are fetched and refreshed as usual. The policy
  // turns only when the day or location does, never on a mere render (a render
  // that turned it would ask for the day again: a third request).
  const shown = `${locationId}|${isoDay(day)}`;
  const firstShown = useRef(shown);
  const leftFirstDay = useRef(false);
  if (shown !== firstShown.current) leftFirstDay.current = true;
  const [dayResult, refetchDay] = useQuery({
    query: CalendarDayDocument,
    variables: { locationId, date: isoDay(day) },
    pause: view !== "day" || !locationId,
    requestPolicy: leftFirstDay.current ? "cache-and-network" : "cache-first",
  });
  const [weekResult, refetchWeek] = useQuery({
    query: CalendarWeekDocument,
    variables: { locationId, weekOf: isoDay(day) },
    pause: view !== "week" || !locationId,
  });
  const result = view === "day" ? dayResult : weekResult;
  const refetch = useCallback(
    () => (view === "day" ? refetchDay : refetchWeek)({ requestPolicy: "network-only" }),
    [view, refetchDay, refetchWeek],
  );
  const data = result.data;
  const schedule = data ? ("daySchedule" in data ? data.daySchedule : data.weekSchedule) : null;
  // Past the first 100, the rest of the day or week page by page.
  const whole = useWholeSchedule(schedule, { view, locationId, date: isoDay(day) });
  const appointments = whole.appointments;
  const frame = useMemo(() => (data ? frameOf(data, tz) : null), [data, tz]);

  // A provider sees their own column only (the API gives them only their own appointments).
  const columns = useMemo(() => {
    if (!frame) return [];
    if (grouping === "room") return frame.resources.map((r) => ({ id: r.id, title: r.name }));
    const staff = me.role === "PROVIDER" ? frame.staff.filter((s) => s.userId === me.id) : frame.staff;
    return staff.map((s) => ({ id: s.id, title: s.displayName }));
  }, [frame, grouping, me]);
  const events = useMemo(() => eventsOf(appointments, grouping, tz), [appointments, grouping, tz]);
  // "Forms missing" or "Ready" on every appointment shown (one batch request).
  const appointmentIds = useMemo(() => appointments.map((a) => a.id), [appointments]);
  const [readiness, refreshReadiness] = useReadiness(appointmentIds);
  const dayKey = isoDay(day);
  const hours = useMemo(() => (frame ? gridHours(frame, parseDay(dayKey)!) : null), [frame, dayKey]);

  const [, reschedule] = useMutation(RescheduleDocument);
  const onEventDrop = useCallback(
    async ({ event, start, resourceId }: EventInteractionArgs<CalendarEvent>) => {
      const appointment = event.appointment;
      const providerId =
        grouping === "provider" && resourceId && resourceId !== appointment.provider.id ? String(resourceId) : null;
      setMoveError(null);
      const moved = await reschedule({
        id: appointment.id,
        startsAt: fromWall(new Date(start), tz).toISOString(),
        providerId,
      });
      const errors = moved.data?.rescheduleAppointment?.errors ?? [];
      if (errors.length || moved.error) {
        const message =
          errors.find((e) => e.code === "SLOT_TAKEN")?.message ??
          errors[0]?.message ??
          requestError(moved.error) ??
          "Could not move it.";
        setMoveError({ appointmentId: appointment.id, message });
      }
      refetch();
    },
    [grouping, reschedule, tz, refetch],
  );

  const slotPropGetter = useCallback(
    (date: Date, resourceId?: string | number) => {
      const shade = frame ? slotShade(frame, locationId, date, resourceId, grouping) : undefined;
      return shade ? { className: shade } : {};
    },
    [frame, locationId, grouping],
  );
  const eventPropGetter = useCallback(
    (event: CalendarEvent) => ({
      className: `status-${event.appointment.status.toLowerCase().replace("_", "-")}${
        moveError?.appointmentId === event.appointment.id ? " move-refused" : ""
      }`,
    }),
    [moveError],
  );
  const components = useMemo(
    () => ({
      // The calendar's own header is a role="columnheader" outside any row (axe:
      // aria-required-parent in the week view); a plain label reads the same.
      header: ({ label }: { label: string }) => <span>{label}</span>,
      event: ({ event }: { event: CalendarEvent }) => (
        <span className="event-body" data-appointment={event.appointment.id}>
          <span className="event-title">{event.title}</span>
          <span className="event-status">{STATUS_LABEL[event.appointment.status]}</span>
          <ReadinessMark readiness={readiness.get(event.appointment.id)} className="event-mark" />
          {moveError?.appointmentId === event.appointment.id ? (
            <span className="event-error">{moveError.message}</span>
          ) : null}
        </span>
      ),
    }),
    [moveError, readiness],
  );

  if (!locations.length) {
    return (
      <section className="page">
        <h1>Calendar</h1>
        <p className="empty">No location is open yet. A manager adds one under Locations.</p>
      </section>
    );
  }

  const selectedAppointment = selected ? appointments.find((a) => a.id === selected) ?? null : null;
  return (
    <section className="page calendar-page">
      <div className="toolbar">
        <h1>Calendar</h1>
        <label>
          Location{" "}
          <select value={locationId} onChange={(e) => setLocationId(e.target.value)}>
            {locations.map((l) => (
              <option key={l.id} value={l.id}>
                {l.name}
              </option>
            ))}
          </select>
        </label>
        {me.role !== "PROVIDER" ? (
          <div role="group" aria-label="Columns" className="segmented">
            <button type="button" aria-pressed={grouping === "provider"} onClick={() => setGrouping("provider")}>
              By provider
            </button>
            <button type="button" aria-pressed={grouping === "room"} onClick={() => setGrouping("room")}>
              By room or device
            </button>
          </div>
        ) : null}
        <button
          type="button"
          className="primary"
          onClick={() => setBooking({ day, providerId: isProvider ? columns[0]?.id ?? null : null, time: null })}
        >
          Book
        </button>
        <span className="tz">Times in {tz}</span>
      </div>
      <FormError message={requestError(result.error) ?? whole.error} />
      {moveError ? (
        <div className="form-error" role="alert">
          Not moved: {moveError.message}
        </div>
      ) : null}
      {!data || !hours ? (
        <Loading what="the calendar" />
      ) : (
        <div
          className="calendar-frame"
          data-appointments={appointments.length}
          onKeyDown={(e) => {
            // Keyboard: Enter or Space on a focused appointment opens it.
            const target = e.target as HTMLElement;
            const id = target.classList.contains("rbc-event")
              ? target.querySelector<HTMLElement>("[data-appointment]")?.dataset["appointment"]
              : undefined;
            if (id && (e.key === "Enter" || e.key === " ")) {
              e.preventDefault();
              setSelected(id);
            }
          }}
        >
          {columns.length === 0 ? (
            <p className="empty">
              {grouping === "provider"
                ? "No provider works at this location yet."
                : "This location has no rooms or devices."}
            </p>
          ) : null}
          <DnDCalendar
            localizer={localizer}
            culture="en-US"
            events={events}
            resources={columns}
            resourceIdAccessor="id"
            resourceTitleAccessor="title"
            date={day}
            view={view as View}
            views={["day", "week"]}
            onView={(v) => setView(v === "week" ? "week" : "day")}
            onNavigate={(d) => setDay(d)}
            min={hours.min}
            max={hours.max}
            step={15}
            timeslots={4}
            toolbar={true}
            selectable={true}
            draggableAccessor={() => true}
            resizable={false}
            onEventDrop={onEventDrop}
            onSelectEvent={(event) => setSelected(event.appointment.id)}
            onSelectSlot={(slot: SlotInfo) =>
              setBooking({
                day: slot.start,
                providerId: grouping === "provider" && slot.resourceId ? String(slot.resourceId) : null,
                time: slot.start,
              })
            }
            slotPropGetter={slotPropGetter}
            eventPropGetter={eventPropGetter}
            components={components}
            dayLayoutAlgorithm="no-overlap"
          />
        </div>
      )}
      {selectedAppointment ? (
        <AppointmentPanel
          appointment={selectedAppointment}
          tz={tz}
          canAct={true}
          readiness={readiness.get(selectedAppointment.id)}
          onClose={() => setSelected(null)}
          onChanged={() => {
            refetch();
            refreshReadiness();
          }}
        />
      ) : null}
      {booking ? (
        <BookDialog
          start={booking}
          locationId={locationId}
          tz={tz}
          providers={isProvider ? (frame?.staff ?? []).filter((s) => s.userId === me.id) : frame?.staff ?? []}
          canAddClient={frontOffice}
          onClose={() => setBooking(null)}
          onBooked={(startsAt) => {
            setBooking(null);
            const wall = toWall(startsAt, tz);
            setDay(new Date(wall.getFullYear(), wall.getMonth(), wall.getDate()));
            refetch();
          }}
        />
      ) : null}
    </section>
  );
}
