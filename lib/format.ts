/**
 * Dates, times and sizes shown to people: unambiguous day-month-year, 24-hour time, in the
 * zone of whoever formats them (the server for pages, the browser for live components).
 */
const dateFormat = new Intl.DateTimeFormat("en-GB", { day: "2-digit", month: "short", year: "numeric" });
const dateTimeFormat = new Intl.DateTimeFormat("en-GB", {
  day: "2-digit",
  month: "short",
  year: "numeric",
  hour: "2-digit",
  minute: "2-digit",
});

const calendarDayFormat = new Intl.DateTimeFormat("en-GB", {
  day: "2-digit",
  month: "short",
  year: "numeric",
  timeZone: "UTC",
});

export function formatDate(value: Date | string): string {
  // A bare "YYYY-MM-DD" (a birth date) is a calendar day, not an instant: format it in UTC.
  if (typeof value === "string" && /^\d{4}-\d{2}-\d{2}$/.test(value)) {
    return calendarDayFormat.format(new Date(`${value}T00:00:00Z`));
  }
  return dateFormat.format(typeof value === "string" ? new Date(value) : value);
}

export function formatDateTime(value: Date | string): string {
  return dateTimeFormat.format(typeof value === "string" ? new Date(value) : value);
}

const clockTimeFormat = new Intl.DateTimeFormat("en-GB", {
  hour: "2-digit",
  minute: "2-digit",
  second: "2-digit",
  hour12: false,
});

/** HH:MM:SS (a retry's next attempt, seen the same day); an unreadable value is shown as it came. */
export function formatClockTime(value: Date | string): string {
  const date = typeof value === "string" ? new Date(value) : value;
  return Number.isNaN(date.getTime()) ? String(value) : clockTimeFormat.format(date);
}

/** The UTC calendar day `days` days before now, as YYYY-MM-DD (for date inputs). */
export function isoDateDaysAgo(days: number): string {
  return new Date(Date.now() - days * 86_400_000).toISOString().slice(0, 10);
}

const countFormat = new Intl.NumberFormat("en-GB");

/** A count shown to people, with thousands separators: 12,345. */
export function formatCount(value: number): string {
  return countFormat.format(value);
}

/** A file's size as people read it: 512 B, 40 KB, 2.5 MB. */
export function formatFileSize(bytes: number): string {
  if (bytes < 1024) return `${bytes} B`;
  if (bytes < 1024 * 1024) return `${Math.round(bytes / 1024)} KB`;
  return `${(bytes / (1024 * 1024)).toFixed(1)} MB`;
}
