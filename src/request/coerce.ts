import type { JSONSchema } from "../validation/schema.js";

/** Converts a raw wire value (one string, or one per repetition of the key) for validation. */
export type Coercer = (raw: string | string[] | undefined) => unknown;

const TRUE = new Set(["true", "1", "yes", "on", "t", "y"]);
const FALSE = new Set(["false", "0", "no", "off", "f", "n"]);

/**
 * Builds the coercer for one path/query/header/cookie/form field from its JSON Schema, once per
 * route: `"42"` -> 42 for integers, `"on"` -> true for booleans, repeated keys -> arrays. A value
 * that does not convert is passed on unchanged, so the validator reports it (`int_parsing`, ...).
 */
export function compileCoercer(schema: JSONSchema): Coercer {
  const types = jsonTypes(schema);
  if (types.includes("array")) {
    const item = compileScalar(jsonTypes((schema.items as JSONSchema | undefined) ?? {}));
    return (raw) => {
      if (raw === undefined) return undefined;
      return typeof raw === "string" ? [item(raw)] : raw.map(item);
    };
  }
  const scalar = compileScalar(types);
  return (raw) => {
    if (raw === undefined) return undefined;
    // A single-valued field sent several times takes the last value, as Starlette does.
    return scalar(typeof raw === "string" ? raw : raw[raw.length - 1]!);
  };
}

function compileScalar(types: string[]): (raw: string) => unknown {
  if (types.length === 0 || types.includes("string")) return identity;
  const converters = types.map((type) => scalarConverters[type]).filter((f) => f !== undefined);
  if (converters.length === 1) {
    const convert = converters[0]!;
    return (raw) => {
      const value = convert(raw);
      return value === NO ? raw : value;
    };
  }
  return (raw) => {
    for (const convert of converters) {
      const value = convert(raw);
      if (value !== NO) return value;
    }
    return raw;
  };
}

const NO = Symbol("no conversion");

const scalarConverters: Record<string, (raw: string) => unknown> = {
  integer: integer,
  number: (raw) => {
    if (raw.trim() === "") return NO;
    const n = Number(raw);
    return Number.isNaN(n) ? NO : n;
  },
  boolean: (raw) => {
    if (raw === "true") return true;
    if (raw === "false") return false;
    const lower = raw.toLowerCase();
    if (TRUE.has(lower)) return true;
    if (FALSE.has(lower)) return false;
    return NO;
  },
  null: (raw) => (raw === "" || raw === "null" ? null : NO),
};

/**
 * Decimal digits with an optional sign, what pydantic reads as an integer from a string, as a
 * number; `NO` for anything else. Up to 15 digits are summed in the scan itself (exact in a
 * double, and cheaper than `Number()` on a string V8 has not seen before); longer ones go
 * through `Number()`.
 */
function integer(raw: string): number | typeof NO {
  const length = raw.length;
  const sign = raw.charCodeAt(0);
  let i = sign === 43 || sign === 45 ? 1 : 0; // + or -
  if (i === length) return NO;
  let value = 0;
  for (; i < length; i++) {
    const c = raw.charCodeAt(i);
    if (c < 48 || c > 57) return NO;
    value = value * 10 + (c - 48);
  }
  if (length > 15) return Number(raw);
  return sign === 45 ? -value : value;
}

function identity(raw: string): string {
  return raw;
}

/** Every JSON type a schema allows, in declaration order, looking through unions and enums. */
export function jsonTypes(schema: JSONSchema): string[] {
  const found: string[] = [];
  const add = (type: unknown) => {
    if (typeof type === "string" && !found.includes(type)) found.push(type);
  };
  const type = schema.type;
  if (Array.isArray(type)) type.forEach(add);
  else add(type);
  for (const key of ["anyOf", "oneOf", "allOf"] as const) {
    const members = schema[key];
    if (Array.isArray(members)) for (const m of members) for (const t of jsonTypes(m)) add(t);
  }
  const values = Array.isArray(schema.enum) ? schema.enum : "const" in schema ? [schema.const] : [];
  for (const value of values) {
    add(value === null ? "null" : typeof value === "number" ? "number" : typeof value);
  }
  return found;
}
