/**
 * Calendar arithmetic for report ranges: local dates (`YYYY-MM-DD`) in a time zone, the periods
 * (day, ISO week starting Monday, month) that cover a range, and whether a time zone's offset
 * stays a whole number of hours over a range (then the hourly rollup answers exactly).
 */

export type Interval = 'day' | 'week' | 'month';

const DAY_MS = 86_400_000;

export const parseDate = (date: string): Date => new Date(`${date}T00:00:00Z`);
export const formatDate = (date: Date): string => date.toISOString().slice(0, 10);
export const addDays = (date: string, days: number): string =>
  formatDate(new Date(parseDate(date).getTime() + days * DAY_MS));
export const daysBetween = (from: string, to: string): number =>
  Math.round((parseDate(to).getTime() - parseDate(from).getTime()) / DAY_MS);

/** The first day of the period `date` falls in. */
export function periodStart(date: string, interval: Interval): string {
  const d = parseDate(date);
  if (interval === 'day') return date;
  if (interval === 'month') return `${date.slice(0, 7)}-01`;
  const weekday = (d.getUTCDay() + 6) % 7; // Monday = 0
  return addDays(date, -weekday);
}

/** Every period that intersects [from, to], in order. */
export function periodsOf(from: string, to: string, interval: Interval): string[] {
  const periods: string[] = [];
  for (let day = from; day <= to; day = addDays(day, 1)) {
    const start = periodStart(day, interval);
    if (periods.at(-1) !== start) periods.push(start);
  }
  return periods;
}

/** The same number of days, ending the day before `from`. */
export function previousRange(from: string, to: string): { from: string; to: string } {
  const length = daysBetween(from, to) + 1;
  return { from: addDays(from, -length), to: addDays(from, -1) };
}

/** An IANA zone name the runtime knows (aliases such as Asia/Kolkata included). */
export function isTimeZone(name: string): boolean {
  if (!/^[A-Za-z][A-Za-z0-9_+-]*(\/[A-Za-z0-9_+-]+){0,2}$/.test(name)) return false;
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: name });
    return true;
  } catch {
    return false;
  }
}

/** The UTC offset of `timeZone` at `instant`, in minutes. */
export function offsetMinutes(timeZone: string, instant: Date): number {
  const parts = new Intl.DateTimeFormat('en-US', {
    timeZone,
    timeZoneName: 'longOffset',
  }).formatToParts(instant);
  const name = parts.find((p) => p.type === 'timeZoneName')?.value ?? 'GMT';
  const match = /GMT([+-])(\d{2}):?(\d{2})?/.exec(name);
  if (!match) return 0;
  const minutes = Number(match[2]) * 60 + Number(match[3] ?? 0);
  return match[1] === '-' ? -minutes : minutes;
}

/**
 * True when the zone's offset is a whole number of hours throughout [from − 1 day, to + 1 day]
 * (checked twice a day, which catches every transition of the tz database's zones).
 */
export function wholeHourOffsets(timeZone: string, from: string, to: string): boolean {
  const start = parseDate(addDays(from, -1)).getTime();
  const end = parseDate(addDays(to, 2)).getTime();
  for (let t = start; t <= end; t += DAY_MS / 2) {
    if (offsetMinutes(timeZone, new Date(t)) % 60 !== 0) return false;
  }
  return true;
}
