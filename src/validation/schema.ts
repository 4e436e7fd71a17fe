import type { StandardSchemaV1 } from "@standard-schema/spec";
import { z } from "zod";

/** Any Standard Schema (Zod 4, Valibot, ArkType, ...). */
export type Schema<Input = unknown, Output = Input> = StandardSchemaV1<Input, Output>;

/** A plain record of field schemas, the short form of an object schema. */
export type FieldSchemas = { readonly [field: string]: Schema };

/** What an input option (`params`, `query`, `body`, ...) accepts. */
export type InputSchema = Schema | FieldSchemas;

/** A JSON Schema object, as produced by the schema library. */
export type JSONSchema = { [keyword: string]: unknown };

export function isSchema(value: unknown): value is Schema {
  // ArkType's schemas are functions, so functions count too.
  return (
    (typeof value === "object" || typeof value === "function") &&
    value !== null &&
    "~standard" in value &&
    typeof (value as Schema)["~standard"]?.validate === "function"
  );
}

export function isZodSchema(value: unknown): value is z.ZodType {
  return typeof value === "object" && value !== null && "_zod" in value;
}

/**
 * Turns the short form `{ id: z.int() }` into one object schema. Records whose fields are all Zod
 * become a `z.object`, so one compiled validator checks the whole group.
 * Returns `undefined` for records mixing libraries; those are validated field by field.
 */
export function objectSchemaOf(input: InputSchema): Schema | undefined {
  if (isSchema(input)) return input;
  const fields = Object.values(input);
  if (fields.every(isZodSchema)) return z.object(input as Record<string, z.ZodType>);
  return undefined;
}

/**
 * The JSON Schema of a schema, for coercion and documentation. `io: "input"` describes what the
 * client sends (before transforms and defaults), `"output"` what the schema produces.
 * A schema JSON Schema cannot express becomes `{}` (any) instead of failing.
 */
export function toJSONSchema(schema: Schema, io: "input" | "output" = "input"): JSONSchema {
  if (isZodSchema(schema)) return zodJSONSchema(schema, io, "any");
  const converter = (schema["~standard"] as { jsonSchema?: StandardJSONConverter }).jsonSchema;
  if (converter) {
    try {
      const json = converter[io]({ target: "draft-2020-12" });
      delete json.$schema;
      return json;
    } catch {
      return {};
    }
  }
  return {};
}

/**
 * The JSON Schema of a Zod schema, or `undefined` when part of it has none (a transform, a date,
 * a custom check): such a schema's output is not a plain check of its input.
 */
export function exactJSONSchema(
  schema: z.ZodType,
  io: "input" | "output" = "input",
): JSONSchema | undefined {
  try {
    return zodJSONSchema(schema, io, "throw");
  } catch {
    return undefined;
  }
}

function zodJSONSchema(
  schema: z.ZodType,
  io: "input" | "output",
  unrepresentable: "any" | "throw",
): JSONSchema {
  const json = z.toJSONSchema(schema, {
    io,
    unrepresentable,
    target: "draft-2020-12",
    reused: "inline",
    cycles: "ref",
  }) as JSONSchema;
  delete json.$schema;
  return inlineNamedRoot(json);
}

/**
 * A schema named with `.meta({ id })` converts to a bare `$ref` into `$defs`; its properties are
 * needed at the top (coercion reads them), so the root definition is copied up. `$defs` stays for
 * references inside it.
 */
function inlineNamedRoot(json: JSONSchema): JSONSchema {
  const ref = json.$ref;
  const defs = json.$defs as Record<string, JSONSchema> | undefined;
  if (typeof ref !== "string" || !ref.startsWith("#/$defs/") || !defs) return json;
  const root = defs[decodeURIComponent(ref.slice("#/$defs/".length))];
  if (!root || Object.keys(json).length !== 2) return json;
  return { ...root, $defs: defs };
}

interface StandardJSONConverter {
  input(options: { target: string }): JSONSchema;
  output(options: { target: string }): JSONSchema;
}

/** The JSON Schema of a group given in either form, as an object schema with properties. */
export function groupJSONSchema(input: InputSchema, io: "input" | "output" = "input"): JSONSchema {
  if (isSchema(input)) return toJSONSchema(input, io);
  const properties: Record<string, JSONSchema> = {};
  const required: string[] = [];
  for (const [name, field] of Object.entries(input)) {
    properties[name] = toJSONSchema(field, io);
    if (!acceptsUndefined(field)) required.push(name);
  }
  return { type: "object", properties, required };
}

/** Whether a field may be left out: optional, or with a default. */
export function acceptsUndefined(schema: Schema): boolean {
  if (isZodSchema(schema)) {
    const result = schema.safeParse(undefined);
    return result.success;
  }
  try {
    const result = schema["~standard"].validate(undefined);
    return !(result instanceof Promise) && !result.issues;
  } catch {
    return false;
  }
}
