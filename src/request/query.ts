import { HTTPException } from "../errors.js";

/** Raw string values by name; a name sent several times keeps every value, in order. */
export type RawValues = Record<string, string | string[]>;

/**
 * Parses `a=1&b=x+y&a=2` (a query string or an urlencoded form) into a null-prototype record, so
 * no key (`__proto__` included) can reach a prototype. Invalid percent-encoding is the client's
 * mistake: 400, never a silently mangled value.
 */
export function parseQuery(text: string, what = "query string"): RawValues {
  const out: RawValues = Object.create(null);
  if (text === "") return out;
  let start = 0;
  while (start <= text.length) {
    let end = text.indexOf("&", start);
    if (end === -1) end = text.length;
    if (end > start) {
      const eq = text.indexOf("=", start);
      const split = eq !== -1 && eq < end;
      const key = decode(text.slice(start, split ? eq : end), what);
      const value = split ? decode(text.slice(eq + 1, end), what) : "";
      const current = out[key];
      if (current === undefined) out[key] = value;
      else if (typeof current === "string") out[key] = [current, value];
      else current.push(value);
    }
    start = end + 1;
  }
  return out;
}

function decode(part: string, what: string): string {
  const text = part.includes("+") ? part.replaceAll("+", " ") : part;
  if (!text.includes("%")) return text;
  try {
    return decodeURIComponent(text);
  } catch {
    throw new HTTPException(400, `Invalid percent-encoding in the ${what}: '${part}'`);
  }
}
