import type nunjucks from "nunjucks";
import { loadNunjucks } from "./nunjucks.js";

const SHORT_DAYS = ["Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"];
const DAYS = ["Sunday", "Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday"];
const SHORT_MONTHS = [
  "Jan",
  "Feb",
  "Mar",
  "Apr",
  "May",
  "Jun",
  "Jul",
  "Aug",
  "Sep",
  "Oct",
  "Nov",
  "Dec",
];
const MONTHS = [
  "January",
  "February",
  "March",
  "April",
  "May",
  "June",
  "July",
  "August",
  "September",
  "October",
  "November",
  "December",
];
const SQL_TIMESTAMP = /^\d{4}-\d{2}-\d{2}[ T]\d{2}:\d{2}(:\d{2}(\.\d+)?)?$/;

/**
 * `{{ value | tojson }}`: JSON safe to put in HTML and in `<script>`, as Flask's filter: `<`,
 * `>`, `&` and `'` are escaped as `\u` sequences, and the result is not escaped again.
 */
export function tojson(value: unknown, indent?: number): nunjucks.runtime.SafeString {
  const json = (JSON.stringify(value, null, indent) ?? "null")
    .replaceAll("<", "\\u003c")
    .replaceAll(">", "\\u003e")
    .replaceAll("&", "\\u0026")
    .replaceAll("'", "\\u0027");
  return new (loadNunjucks().runtime.SafeString)(json);
}

/**
 * `{{ post.created | strftime("%Y-%m-%d") }}`: Python's `strftime` codes for dates, the filter
 * form of Jinja2's `value.strftime(...)`. Takes a `Date`, milliseconds, or an ISO or SQLite
 * timestamp text (read as UTC, as SQLite's `CURRENT_TIMESTAMP` is); formats in UTC.
 */
export function strftime(value: unknown, format = "%Y-%m-%d %H:%M:%S"): string {
  const date = toDate(value);
  if (date === undefined) return "";
  const pad = (n: number, width = 2) => String(n).padStart(width, "0");
  const hour12 = date.getUTCHours() % 12 || 12;
  const codes: Record<string, () => string> = {
    Y: () => String(date.getUTCFullYear()),
    y: () => pad(date.getUTCFullYear() % 100),
    m: () => pad(date.getUTCMonth() + 1),
    d: () => pad(date.getUTCDate()),
    H: () => pad(date.getUTCHours()),
    I: () => pad(hour12),
    M: () => pad(date.getUTCMinutes()),
    S: () => pad(date.getUTCSeconds()),
    f: () => pad(date.getUTCMilliseconds() * 1000, 6),
    p: () => (date.getUTCHours() < 12 ? "AM" : "PM"),
    a: () => SHORT_DAYS[date.getUTCDay()]!,
    A: () => DAYS[date.getUTCDay()]!,
    b: () => SHORT_MONTHS[date.getUTCMonth()]!,
    B: () => MONTHS[date.getUTCMonth()]!,
    j: () => pad(dayOfYear(date), 3),
    Z: () => "UTC",
    z: () => "+0000",
    "%": () => "%",
  };
  return format.replace(/%(.)/g, (whole, code: string) => codes[code]?.() ?? whole);
}

function toDate(value: unknown): Date | undefined {
  if (value === null || value === undefined || value === "") return undefined;
  if (value instanceof Date) return Number.isNaN(value.getTime()) ? undefined : value;
  if (typeof value === "number") return new Date(value);
  const text = String(value);
  const iso = SQL_TIMESTAMP.test(text) ? `${text.replace(" ", "T")}Z` : text;
  const date = new Date(iso);
  return Number.isNaN(date.getTime()) ? undefined : date;
}

function dayOfYear(date: Date): number {
  const start = Date.UTC(date.getUTCFullYear(), 0, 1);
  return Math.floor((date.getTime() - start) / 86_400_000) + 1;
}
