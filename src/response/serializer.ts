import type fastJsonType from "fast-json-stringify";
import { ResponseValidationError } from "../errors.js";
import { generate } from "../internal/generate.js";
import { lazy } from "../internal/lazy.js";
import {
  exactJSONSchema,
  type InputSchema,
  isZodSchema,
  type JSONSchema,
  objectSchemaOf,
  toJSONSchema,
} from "../validation/schema.js";
import { compileValidator } from "../validation/validator.js";

// fast-json-stringify (and ajv with it) only loads for apps with `response` schemas.
const fastJson = lazy<typeof fastJsonType>("fast-json-stringify");

export type Serialize = (value: unknown) => string;

/**
 * Compiles how a route turns its return value into JSON, once per route.
 *
 * Without a `response` schema: `JSON.stringify`, sped up for the flat objects most handlers
 * return ({@link learningStringify}). With one: a fast-json-stringify serializer
 * compiled from the schema's JSON Schema, which writes only declared fields (nothing undeclared
 * can leak) and fills defaults, as FastAPI's `response_model` does. When `check` is on
 * (development, tests) the value is validated first and a mismatch is a
 * {@link ResponseValidationError}; schemas with transforms are always run, since their output is
 * not the handler's value.
 */
export function compileSerializer(
  response: InputSchema | undefined,
  label: string,
  check: boolean,
): Serialize {
  if (response === undefined) return learningStringify();
  const schema = objectSchemaOf(response) ?? response;
  // One conversion tells both the JSON Schema and whether the schema transforms its value.
  const zod = isZodSchema(schema);
  const exact = zod ? exactJSONSchema(schema, "output") : undefined;
  const transforms = zod && exact === undefined;
  const json = exact ?? toJSONSchema(schema as never, "output");
  const stringify = compileStringify(json);
  if (!check && !transforms) return stringify;
  const validate = compileValidator(schema as never, {
    source: "body",
    jsonSchema: json,
    fromStrings: false,
  });
  return (value) => {
    const outcome = validate(value);
    if (outcome instanceof Promise) {
      throw new TypeError(
        `${label}: the \`response\` schema has async checks; response schemas must be synchronous`,
      );
    }
    if (!outcome.success) {
      throw new ResponseValidationError(
        label,
        outcome.errors.map((e) => ({ ...e, loc: ["response", ...e.loc.slice(1)] })),
      );
    }
    return stringify(outcome.data);
  };
}

function compileStringify(json: JSONSchema): Serialize {
  if (Object.keys(json).length === 0) return JSON.stringify as Serialize;
  try {
    return fastJson()(json as never) as Serialize;
  } catch {
    // A JSON Schema fast-json-stringify cannot compile is still valid JSON output: fall back.
    return JSON.stringify as Serialize;
  }
}

/** Results of more keys than this, or after this many results of no flat shape, stay with `JSON.stringify`. */
const MAX_KEYS = 32;
const ATTEMPTS = 16;
/** Characters `JSON.stringify` escapes in a string (and any surrogate, to keep the check simple). */
// biome-ignore lint/suspicious/noControlCharactersInRegex: JSON escapes exactly these control characters
const NEEDS_ESCAPE = /[\u0000-\u001f"\\\ud800-\udfff]/;

/**
 * `JSON.stringify` for a route without a `response` schema, faster on what most handlers return:
 * a plain object with the same keys every time, each a string, number, boolean or null. The
 * first such result compiles a function that writes that shape (what fast-json-stringify does
 * from a schema); it checks each later result's keys, their order and each value as it goes, and
 * anything else (another shape, a nested value, a string that needs escaping, `NaN`) is written
 * by `JSON.stringify`. Node 20's `JSON.stringify` costs about 110 ns on a two-key object, the
 * compiled shape about 50.
 */
export function learningStringify(): Serialize {
  let shape: Shape | undefined;
  let attempts = 0;
  return (value) => {
    if (shape !== undefined) {
      if (isPlainObject(value)) {
        const json = shape(value);
        if (json !== undefined) return json;
      }
      return JSON.stringify(value);
    }
    const json = JSON.stringify(value);
    if (attempts < ATTEMPTS) {
      attempts++;
      shape = compileShape(value, json);
    }
    return json;
  };
}

type Shape = (value: object) => string | undefined;

function isPlainObject(value: unknown): value is object {
  return (
    typeof value === "object" && value !== null && Object.getPrototypeOf(value) === Object.prototype
  );
}

/** A flat value as JSON, or `undefined` when it is not one the compiled shape writes itself. */
function flat(value: unknown): string | undefined {
  switch (typeof value) {
    case "string":
      return NEEDS_ESCAPE.test(value) ? undefined : `"${value}"`;
    case "number":
      return Number.isFinite(value) ? `${value}` : undefined;
    case "boolean":
      return value ? "true" : "false";
    case "object":
      return value === null ? "null" : undefined;
    default:
      return undefined;
  }
}

/** The writer of `value`'s shape, if it is a flat plain object; checked against `json` once. */
function compileShape(value: unknown, json: string | undefined): Shape | undefined {
  if (!isPlainObject(value)) return undefined;
  const keys: string[] = [];
  for (const key in value) keys.push(key);
  const own = Object.keys(value);
  if (keys.length === 0 || keys.length > MAX_KEYS || keys.length !== own.length) return undefined;
  for (let i = 0; i < keys.length; i++) {
    const key = keys[i]!;
    // `v["__proto__"]` would read the prototype, not the key a parsed object can have.
    if (key !== own[i] || key === "__proto__") return undefined;
    const descriptor = Object.getOwnPropertyDescriptor(value, key);
    if (!descriptor || !("value" in descriptor) || flat(descriptor.value) === undefined) {
      return undefined;
    }
  }
  const steps = keys.map((key, i) => {
    const prefix = JSON.stringify(`${i === 0 ? "{" : ","}${JSON.stringify(key)}:`);
    return `x = flat(v[${JSON.stringify(key)}]); if (x === undefined) return undefined; s += ${prefix} + x;`;
  });
  const body = `return function shape(v) {
    let i = 0;
    for (const k in v) if (k !== keys[i++]) return undefined;
    if (i !== ${keys.length}) return undefined;
    let s = "", x;
    ${steps.join("\n    ")}
    return s + "}";
  };`;
  // Without code generation, `JSON.stringify` it is.
  const shape = generate<Shape>(["keys", "flat"], body, [keys, flat]);
  return shape && shape(value) === json ? shape : undefined;
}
