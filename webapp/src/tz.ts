// The calendar shows a location's wall time whatever the browser's zone: a
// UTC instant becomes a browser-local Date with the same wall-clock fields
// (what react-big-calendar draws), and back.

const formats = new Map<string, Intl.DateTimeFormat>();

function formatIn(tz: string): Intl.DateTimeFormat {
  let format = formats.get(tz);
  if (!format) {
    format = new Intl.DateTimeFormat("en-US", {
      timeZone: tz,
      hourCycle: "h23",
      year: "numeric",
      month: "2-digit",
      day: "2-digit",
      hour: "2-digit",
      minute: "2-digit",
      second: "2-digit",
    });
    formats.set(tz, format);
  }
  return format;
}

function wallFields(instant: Date, tz: string): number[] {
  const parts: Record<string, number> = {};
  for (const p of formatIn(tz).formatToParts(instant)) {
    if (p.type !== "literal") parts[p.type] = Number(p.value);
  }
  return [
    parts["year"] ?? 1970,
    (parts["month"] ?? 1) - 1,
    parts["day"] ?? 1,
    parts["hour"] ?? 0,
    parts["minute"] ?? 0,
    parts["second"] ?? 0,
  ];
}

/** The instant's wall time in `tz`, as a browser-local Date. */
export function toWall(instant: string | Date, tz: string): Date {
  const [y, mo, d, h, mi, s] = wallFields(new Date(instant), tz);
  return new Date(y!, mo!, d!, h!, mi!, s!);
}

/** The instant at which `tz`'s clocks show `wall`'s local fields. */
export function fromWall(wall: Date, tz: string): Date {
  const asUtc = Date.UTC(
    wall.getFullYear(),
    wall.getMonth(),
    wall.getDate(),
    wall.getHours(),
    wall.getMinutes(),
    wall.getSeconds(),
  );
  let guess = asUtc;
  for (let i = 0; i < 2; i++) {
    const [y, mo, d, h, mi, s] = wallFields(new Date(guess), tz);
    const shown = Date.UTC(y!, mo!, d!, h!, mi!, s!);
    guess += asUtc - shown;
  }
  return new Date(guess);
}

/** YYYY-MM-DD of a browser-local Date (a wall day). */
export function isoDay(wall: Date): string {
  const m = String(wall.getMonth() + 1).padStart(2, "0");
  const d = String(wall.getDate()).padStart(2, "0");
  return `${wall.getFullYear()}-${m}-${d}`;
}

/** Today in `tz`, as a browser-local midnight. */
export function todayIn(tz: string, now: Date = new Date()): Date {
  const wall = toWall(now, tz);
  return new Date(wall.getFullYear(), wall.getMonth(), wall.getDate());
}

/** "HH:MM[:SS]" wall time on a wall day. */
export function atTime(day: Date, time: string): Date {
  const [h, m, s] = time.split(":").map(Number);
  return new Date(day.getFullYear(), day.getMonth(), day.getDate(), h ?? 0, m ?? 0, s ?? 0);
}

/** ISO weekday of a wall day: Monday 1 ... Sunday 7. */
export function isoWeekday(day: Date): number {
  return ((day.getDay() + 6) % 7) + 1;
}

export function formatTime(instant: string, tz: string): string {
  return new Intl.DateTimeFormat("en-US", { timeZone: tz, hour: "numeric", minute: "2-digit" }).format(
    new Date(instant),
  );
}

export function formatDateTime(instant: string, tz: string): string {
  return new Intl.DateTimeFormat("en-US", {
    timeZone: tz,
    weekday: "short",
    month: "short",
    day: "numeric",
    hour: "numeric",
    minute: "2-digit",
  }).format(new Date(instant));
}
