import { HTTPException } from "../errors.js";

/** Raw string values by name; a name sent several times keeps every value, in order. */
export type RawValues = Record<string, string | string[]>;

/**
 * A record without `Object.prototype` (so `__proto__` and `constructor` are plain keys) that V8
 * still keeps in fast mode: objects made by `Object.create(null)` start as dictionaries, which
 * made parsing a one-pair query string ten times slower.
 */
const NullObject = function NullObject() {} as unknown as new () => RawValues;
NullObject.prototype = Object.create(null);

/** An empty record no key can reach a prototype through. */
export function nullRecord<T = RawValues>(): T {
  return new NullObject() as T;
}

/**
 * Parses `a=1&b=x+y&a=2` (a query string or an urlencoded form) into a record without a
 * prototype, so no key (`__proto__` included) can reach one. Invalid percent-encoding is the
 * client's mistake: 400, never a silently mangled value.
 */
export function parseQuery(text: string, what = "query string"): RawValues {
  const out = new NullObject();
  const length = text.length;
  // Most query strings have nothing to decode: one scan, then no per-part checks.
  const plain = text.indexOf("%") === -1 && text.indexOf("+") === -1;
  let start = 0;
  while (start < length) {
    let end = text.indexOf("&", start);
    if (end === -1) end = length;
    if (end > start) {
      const eq = text.indexOf("=", start);
      let key: string;
      let value: string;
      if (eq !== -1 && eq < end) {
        key = text.slice(start, eq);
        value = text.slice(eq + 1, end);
      } else {
        key = text.slice(start, end);
        value = "";
      }
      if (!plain) {
        if (needsDecoding(key)) key = decode(key, what);
        if (needsDecoding(value)) value = decode(value, what);
      }
      const current = out[key];
      if (current === undefined) out[key] = value;
      else if (typeof current === "string") out[key] = [current, value];
      else current.push(value);
    }
    start = end + 1;
  }
  return out;
}

function needsDecoding(part: string): boolean {
  return part.indexOf("%") !== -1 || part.indexOf("+") !== -1;
}

function decode(part: string, what: string): string {
  const text = part.replaceAll("+", " ");
  if (text.indexOf("%") === -1) return text;
  try {
    return decodeURIComponent(text);
  } catch {
    throw new HTTPException(400, `Invalid percent-encoding in the ${what}: '${part}'`);
  }
}
