import type fastJsonType from "fast-json-stringify";
import { ResponseValidationError } from "../errors.js";
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
 * Without a `response` schema: `JSON.stringify`. With one: a fast-json-stringify serializer
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
  if (response === undefined) return JSON.stringify as Serialize;
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
