/** Dates shown to people: unambiguous day-month-year, 24-hour time, in the server's zone. */
const dateFormat = new Intl.DateTimeFormat("en-GB", { day: "2-digit", month: "short", year: "numeric" });
const dateTimeFormat = new Intl.DateTimeFormat("en-GB", {
  day: "2-digit",
  month: "short",
  year: "numeric",
  hour: "2-digit",
  minute: "2-digit",
});

export function formatDate(value: Date | string): string {
  // A bare "YYYY-MM-DD" (a birth date) is a calendar day, not an instant: format it in UTC.
  if (typeof value === "string" && /^\d{4}-\d{2}-\d{2}$/.test(value)) {
    return new Intl.DateTimeFormat("en-GB", {
      day: "2-digit",
      month: "short",
      year: "numeric",
      timeZone: "UTC",
    }).format(new Date(`${value}T00:00:00Z`));
  }
  return dateFormat.format(typeof value === "string" ? new Date(value) : value);
}

export function formatDateTime(value: Date): string {
  return dateTimeFormat.format(value);
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
