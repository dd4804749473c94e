import { describe, expect, it } from "vitest";
import { fromWall, isoDay, isoWeekday, toWall } from "./tz";

describe("wall times in a location's zone", () => {
  it("round-trips an instant through New York's wall clock", () => {
    const instant = "2026-03-09T14:30:00Z"; // 10:30 EDT, the day after the change
    const wall = toWall(instant, "America/New_York");
    expect([wall.getHours(), wall.getMinutes()]).toEqual([10, 30]);
    expect(fromWall(wall, "America/New_York").toISOString()).toBe("2026-03-09T14:30:00.000Z");
  });

  it("reads winter and summer offsets apart", () => {
    expect(toWall("2026-01-15T14:00:00Z", "America/New_York").getHours()).toBe(9);
    expect(toWall("2026-07-15T13:00:00Z", "America/New_York").getHours()).toBe(9);
    expect(fromWall(new Date(2026, 0, 15, 9), "America/Los_Angeles").toISOString()).toBe("2026-01-15T17:00:00.000Z");
  });

  it("names days and ISO weekdays", () => {
    const monday = new Date(2026, 11, 7);
    expect(isoDay(monday)).toBe("2026-12-07");
    expect(isoWeekday(monday)).toBe(1);
    expect(isoWeekday(new Date(2026, 11, 13))).toBe(7);
  });
});
