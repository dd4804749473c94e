import { describe, expect, it } from "vitest";
import type { CalendarAppointmentFragment } from "../gql/graphql";
import { eventsOf, slotShade, type Frame } from "./model";

const frame: Frame = {
  timezone: "America/New_York",
  hours: [{ weekday: 1, opensAt: "09:00:00", closesAt: "17:00:00" }],
  staff: [
    {
      id: "p1",
      userId: "7",
      displayName: "Dana",
      workingHours: [{ weekday: 1, startsAt: "10:00:00", endsAt: "14:00:00", location: { id: "L" } }],
      upcomingTimeOff: [{ id: "t", startsAt: "2026-12-07T17:00:00Z", endsAt: "2026-12-07T18:00:00Z", kind: "TIME_OFF" }],
    },
  ],
  resources: [],
};

function appointment(status: CalendarAppointmentFragment["status"]): CalendarAppointmentFragment {
  return {
    id: `a-${status}`,
    status,
    startsAt: "2026-12-07T15:00:00Z",
    endsAt: "2026-12-07T16:00:00Z",
    notes: "",
    client: { id: "c", displayName: "Robin Patient", phone: "" },
    provider: { id: "p1", displayName: "Dana" },
    services: [{ service: { id: "s", name: "Hydrafacial" } }],
    resources: [
      { id: "r1", name: "Room 1" },
      { id: "r2", name: "Laser" },
    ],
  };
}

describe("the calendar's model", () => {
  it("shades closed hours, hours off and time off (Monday 7 December 2026)", () => {
    const at = (h: number) => new Date(2026, 11, 7, h, 0);
    expect(slotShade(frame, "L", at(8), "p1", "provider")).toBe("slot-closed");
    expect(slotShade(frame, "L", at(9), "p1", "provider")).toBe("slot-off");
    expect(slotShade(frame, "L", at(11), "p1", "provider")).toBeUndefined();
    expect(slotShade(frame, "L", at(12), "p1", "provider")).toBe("slot-time-off");
    expect(slotShade(frame, "L", at(12), "r1", "room")).toBeUndefined();
    expect(slotShade(frame, "L", new Date(2026, 11, 8, 11), "p1", "provider")).toBe("slot-closed");
  });

  it("puts an appointment in its provider's column, or in each room it holds; never a cancelled one", () => {
    const byProvider = eventsOf([appointment("BOOKED"), appointment("CANCELLED")], "provider", "America/New_York");
    expect(byProvider.map((e) => [e.resourceId, e.start.getHours(), e.title])).toEqual([
      ["p1", 10, "Robin Patient · Hydrafacial"],
    ]);
    const byRoom = eventsOf([appointment("CHECKED_IN")], "room", "America/New_York");
    expect(byRoom.map((e) => e.resourceId)).toEqual(["r1", "r2"]);
  });
});
