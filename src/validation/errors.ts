import type { StandardSchemaV1 } from "@standard-schema/spec";
import type { JSONSchema } from "./schema.js";

/** Where an input came from; the first element of every error's `loc`. */
export type InputSource = "path" | "query" | "header" | "cookie" | "body";

/** One entry of a 422 `detail` list, in FastAPI's (pydantic's) wire format. */
export interface ValidationErrorItem {
  type: string;
  loc: (string | number)[];
  msg: string;
  input?: unknown;
  ctx?: Record<string, unknown>;
}

/** Marks a message the schema library made up itself, so Vial may replace it with pydantic's. */
export const DEFAULT_MESSAGE = "\u0000vial-default";

type Key = string | number;

/** A Zod 4 issue, as far as the mapping below reads it; other libraries give message and path. */
interface Issue extends StandardSchemaV1.Issue {
  code?: string;
  expected?: string;
  origin?: string;
  format?: string;
  pattern?: string;
  minimum?: number | bigint;
  maximum?: number | bigint;
  inclusive?: boolean;
  divisor?: number;
  values?: unknown[];
  keys?: string[];
  input?: unknown;
  errors?: Issue[][];
  issues?: Issue[];
}

export interface FormatOptions {
  source: InputSource;
  /** The validated value, to report `input` for libraries that don't. */
  value: unknown;
  /** The group's JSON Schema, to tell integers from numbers. */
  jsonSchema: JSONSchema | undefined;
  /** Input values arrived as strings (path, query, header, cookie, form), not as JSON. */
  fromStrings: boolean;
  /** Maps a field name to its name on the wire (`x_token` -> `x-token`). */
  wireName?: (field: string) => string;
}

/** Turns a schema library's issues into FastAPI's error list, every issue kept. */
export function formatIssues(
  issues: readonly Issue[],
  options: FormatOptions,
  prefix: Key[] = [],
): ValidationErrorItem[] {
  const out: ValidationErrorItem[] = [];
  for (const issue of issues) {
    const raw = issue.path ?? [];
    const path: Key[] = prefix.length === 0 ? raw.map(pathKey) : [...prefix, ...raw.map(pathKey)];
    if (issue.code === "invalid_union" && issue.errors?.length) {
      const closest = issue.errors.reduce((a, b) => (b.length < a.length ? b : a));
      out.push(...formatIssues(closest, options, path));
      continue;
    }
    if ((issue.code === "invalid_key" || issue.code === "invalid_element") && issue.issues) {
      out.push(...formatIssues(issue.issues, options, path));
      continue;
    }
    if (issue.code === "unrecognized_keys" && issue.keys) {
      for (const key of issue.keys) {
        out.push(
          item("extra_forbidden", options, [...path, key], "Extra inputs are not permitted"),
        );
        out[out.length - 1]!.input = valueAt(options.value, [...path, key]);
      }
      continue;
    }
    out.push(formatIssue(issue, path, options));
  }
  return out;
}

function formatIssue(issue: Issue, path: Key[], options: FormatOptions): ValidationErrorItem {
  const input = "input" in issue ? issue.input : valueAt(options.value, path);
  const custom = issue.message !== DEFAULT_MESSAGE ? issue.message : undefined;
  if (input === undefined && (issue.code === "invalid_type" || issue.code === undefined)) {
    const missing = item("missing", options, path, custom ?? "Field required");
    // A missing field of a JSON body shows the object it is missing from, as pydantic does.
    const inObject = options.source === "body" && !options.fromStrings;
    missing.input = inObject ? (valueAt(options.value, path.slice(0, -1)) ?? null) : null;
    return missing;
  }
  const [type, msg, ctx] = describe(issue, path, input, options);
  const error = item(type, options, path, custom ?? msg);
  error.input = input;
  if (ctx) error.ctx = ctx;
  return error;
}

type Description = [type: string, msg: string, ctx?: Record<string, unknown>];

function describe(issue: Issue, path: Key[], input: unknown, options: FormatOptions): Description {
  switch (issue.code) {
    case "invalid_type":
      return describeType(issue.expected ?? "", path, input, options);
    case "too_small":
      return describeBound(issue, "min", input);
    case "too_big":
      return describeBound(issue, "max", input);
    case "not_multiple_of":
      return [
        "multiple_of",
        `Input should be a multiple of ${issue.divisor}`,
        { multiple_of: issue.divisor },
      ];
    case "invalid_value":
      return describeChoice(issue.values ?? []);
    case "invalid_format":
      return describeFormat(issue);
    case "custom":
      return ["value_error", "Value error, invalid input", { error: {} }];
    default:
      return ["value_error", issue.message === DEFAULT_MESSAGE ? "Invalid input" : issue.message];
  }
}

const typeNames: Record<string, [string, string]> = {
  string: ["string_type", "Input should be a valid string"],
  array: ["list_type", "Input should be a valid list"],
  object: [
    "model_attributes_type",
    "Input should be a valid dictionary or object to extract fields from",
  ],
  record: ["dict_type", "Input should be a valid dictionary"],
  map: ["dict_type", "Input should be a valid dictionary"],
  tuple: ["tuple_type", "Input should be a valid tuple"],
  null: ["none_required", "Input should be None"],
  date: ["datetime_type", "Input should be a valid datetime"],
  bigint: ["int_type", "Input should be a valid integer"],
};

function describeType(
  expected: string,
  path: Key[],
  input: unknown,
  options: FormatOptions,
): Description {
  // Only values that arrived as strings were parsed; a JSON body is checked strictly.
  const parsing = options.fromStrings;
  if (expected === "number" || expected === "int") {
    const integer = expected === "int" || jsonTypeAt(options.jsonSchema, path) === "integer";
    if (integer && typeof input === "number") {
      return [
        "int_from_float",
        "Input should be a valid integer, got a number with a fractional part",
      ];
    }
    if (integer) {
      return parsing && typeof input === "string"
        ? ["int_parsing", "Input should be a valid integer, unable to parse string as an integer"]
        : ["int_type", "Input should be a valid integer"];
    }
    return parsing && typeof input === "string"
      ? ["float_parsing", "Input should be a valid number, unable to parse string as a number"]
      : ["float_type", "Input should be a valid number"];
  }
  if (expected === "boolean") {
    return parsing && typeof input === "string"
      ? ["bool_parsing", "Input should be a valid boolean, unable to interpret input"]
      : ["bool_type", "Input should be a valid boolean"];
  }
  const known = typeNames[expected];
  if (known) return known;
  return [`${expected}_type`, `Input should be a valid ${expected}`];
}

function describeBound(issue: Issue, side: "min" | "max", input: unknown): Description {
  const limit = side === "min" ? issue.minimum : issue.maximum;
  const n = typeof limit === "bigint" ? Number(limit) : (limit ?? 0);
  switch (issue.origin) {
    case "string": {
      const unit = n === 1 ? "character" : "characters";
      return side === "min"
        ? ["string_too_short", `String should have at least ${n} ${unit}`, { min_length: n }]
        : ["string_too_long", `String should have at most ${n} ${unit}`, { max_length: n }];
    }
    case "array":
    case "set": {
      const actual = Array.isArray(input) ? input.length : input instanceof Set ? input.size : 0;
      const unit = n === 1 ? "item" : "items";
      const ctx = { field_type: "List", [`${side}_length`]: n, actual_length: actual };
      return side === "min"
        ? [
            "too_short",
            `List should have at least ${n} ${unit} after validation, not ${actual}`,
            ctx,
          ]
        : [
            "too_long",
            `List should have at most ${n} ${unit} after validation, not ${actual}`,
            ctx,
          ];
    }
    default: {
      const shown = issue.origin === "date" ? new Date(n).toISOString() : n;
      if (side === "min") {
        return issue.inclusive
          ? [
              "greater_than_equal",
              `Input should be greater than or equal to ${shown}`,
              { ge: shown },
            ]
          : ["greater_than", `Input should be greater than ${shown}`, { gt: shown }];
      }
      return issue.inclusive
        ? ["less_than_equal", `Input should be less than or equal to ${shown}`, { le: shown }]
        : ["less_than", `Input should be less than ${shown}`, { lt: shown }];
    }
  }
}

function describeChoice(values: unknown[]): Description {
  const shown = values.map((v) => (typeof v === "string" ? `'${v}'` : String(v)));
  const expected =
    shown.length <= 1
      ? (shown[0] ?? "")
      : `${shown.slice(0, -1).join(", ")} or ${shown[shown.length - 1]}`;
  return [
    values.length > 1 ? "enum" : "literal_error",
    `Input should be ${expected}`,
    { expected },
  ];
}

const formatNames: Record<string, [string, string]> = {
  email: ["value_error", "value is not a valid email address"],
  url: ["url_parsing", "Input should be a valid URL"],
  uuid: ["uuid_parsing", "Input should be a valid UUID"],
  guid: ["uuid_parsing", "Input should be a valid UUID"],
  datetime: ["datetime_from_date_parsing", "Input should be a valid datetime"],
  date: ["date_from_datetime_parsing", "Input should be a valid date"],
  time: ["time_parsing", "Input should be in a valid time format"],
  ipv4: ["ip_v4_address", "Input is not a valid IPv4 address"],
  ipv6: ["ip_v6_address", "Input is not a valid IPv6 address"],
};

function describeFormat(issue: Issue): Description {
  const format = issue.format ?? "";
  if (
    format === "regex" ||
    format === "starts_with" ||
    format === "ends_with" ||
    format === "includes"
  ) {
    const pattern = String(issue.pattern ?? "").replace(/^\/(.*)\/[a-z]*$/, "$1");
    return ["string_pattern_mismatch", `String should match pattern '${pattern}'`, { pattern }];
  }
  return formatNames[format] ?? ["value_error", `Value error, invalid ${format}`];
}

function item(type: string, options: FormatOptions, path: Key[], msg: string): ValidationErrorItem {
  const loc: Key[] = [options.source];
  for (const key of path) loc.push(key);
  if (options.wireName && typeof loc[1] === "string") loc[1] = options.wireName(loc[1]);
  return { type, loc, msg };
}

function pathKey(segment: PropertyKey | StandardSchemaV1.PathSegment): Key {
  const key = typeof segment === "object" ? segment.key : segment;
  return typeof key === "number" ? key : String(key);
}

/** The value at `path` inside `value`, or `undefined` when any step is missing. */
export function valueAt(value: unknown, path: readonly Key[]): unknown {
  let current = value;
  for (const key of path) {
    if (current === null || typeof current !== "object") return undefined;
    if (!Object.hasOwn(current, key)) return undefined;
    current = (current as Record<Key, unknown>)[key];
  }
  return current;
}

/** The JSON type (`integer`, `number`, ...) a JSON Schema declares at `path`, if it says. */
export function jsonTypeAt(
  schema: JSONSchema | undefined,
  path: readonly Key[],
): string | undefined {
  let node = schema;
  for (const key of path) {
    if (!node) return undefined;
    const properties = node.properties as Record<string, JSONSchema> | undefined;
    node =
      typeof key === "number"
        ? ((node.items as JSONSchema | undefined) ?? undefined)
        : (properties?.[key] ?? undefined);
  }
  if (!node) return undefined;
  const type = node.type ?? (node.anyOf as JSONSchema[] | undefined)?.[0]?.type;
  return Array.isArray(type) ? type.find((t) => t !== "null") : (type as string | undefined);
}
