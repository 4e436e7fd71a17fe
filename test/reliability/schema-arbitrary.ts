import fc from "fast-check";

/** A JSON Schema as found in an OpenAPI document. */
export type JSONSchema = Record<string, any>;

const SAFE = /^[A-Za-z0-9_-]*$/;

/**
 * fast-check arbitraries for values a JSON Schema accepts: the subset OpenAPI documents of the
 * examples use (types, bounds, formats, enums, arrays, objects, unions, `$ref`s). `safe` keeps
 * strings to letters, digits, `_` and `-`, for headers, cookies and paths.
 */
export function valid(
  schema: JSONSchema,
  components: Record<string, JSONSchema>,
  safe = false,
): fc.Arbitrary<unknown> {
  const s = resolve(schema, components);
  if ("const" in s) return fc.constant(s.const);
  if (Array.isArray(s.enum)) return fc.constantFrom(...s.enum);
  const union = s.anyOf ?? s.oneOf;
  if (Array.isArray(union))
    return fc.oneof(...union.map((m: JSONSchema) => valid(m, components, safe)));
  const type = Array.isArray(s.type) ? s.type.find((t: string) => t !== "null") : s.type;
  switch (type) {
    case "integer":
      return fc.integer({
        min: bound(s.minimum, s.exclusiveMinimum, 1, -1_000_000),
        max: bound(s.maximum, s.exclusiveMaximum, -1, 1_000_000),
      });
    case "number":
      return fc
        .double({
          min: s.minimum ?? s.exclusiveMinimum ?? -1e6,
          max: s.maximum ?? s.exclusiveMaximum ?? 1e6,
          minExcluded: s.exclusiveMinimum !== undefined,
          maxExcluded: s.exclusiveMaximum !== undefined,
          noNaN: true,
          noDefaultInfinity: true,
        })
        .map((n) => (Object.is(n, -0) ? 0 : n));
    case "boolean":
      return fc.boolean();
    case "array":
      return fc.array(valid(s.items ?? {}, components, safe), {
        minLength: s.minItems ?? 0,
        maxLength: Math.min(s.maxItems ?? 4, 4),
      });
    case "object":
      return object(s, components, safe);
    case "string":
      return string(s, safe);
    default:
      return fc.constant(null);
  }
}

function object(
  s: JSONSchema,
  components: Record<string, JSONSchema>,
  safe: boolean,
): fc.Arbitrary<Record<string, unknown>> {
  const properties: Record<string, JSONSchema> = s.properties ?? {};
  const required = new Set<string>(s.required ?? []);
  const record: Record<string, fc.Arbitrary<unknown>> = {};
  for (const [name, property] of Object.entries(properties)) {
    if (property.format === "binary" || property.contentMediaType) continue;
    record[name] = valid(property, components, safe);
  }
  return fc.record(record, { requiredKeys: [...required].filter((name) => name in record) });
}

function string(s: JSONSchema, safe: boolean): fc.Arbitrary<string> {
  switch (s.format) {
    case "email":
      return fc
        .tuple(
          fc.stringMatching(/^[a-z][a-z0-9]{0,10}$/),
          fc.constantFrom("example.com", "mail.example.org"),
        )
        .map(([u, d]) => `${u}@${d}`);
    case "date-time":
      return fc
        .date({ min: new Date("1970-01-01"), max: new Date("2100-01-01"), noInvalidDate: true })
        .map((d) => d.toISOString());
    case "date":
      return fc
        .date({ min: new Date("1970-01-01"), max: new Date("2100-01-01"), noInvalidDate: true })
        .map((d) => d.toISOString().slice(0, 10));
    case "uuid":
      return fc.uuid();
    case "uri":
      return fc.constantFrom("https://example.com/", "https://example.org/a?b=1");
  }
  const minLength = s.minLength ?? 0;
  const maxLength = Math.min(s.maxLength ?? 20, Math.max(minLength, 20));
  if (s.pattern)
    return fc
      .stringMatching(new RegExp(s.pattern))
      .filter(
        (v) => v.length >= minLength && v.length <= (s.maxLength ?? Number.POSITIVE_INFINITY),
      );
  if (safe)
    return fc
      .stringMatching(SAFE)
      .filter((v) => v.length >= Math.max(minLength, 1) && v.length <= maxLength);
  return fc.string({ minLength, maxLength });
}

function bound(
  inclusive: number | undefined,
  exclusive: number | undefined,
  step: number,
  fallback: number,
): number {
  if (inclusive !== undefined) return Math.ceil(inclusive);
  if (exclusive !== undefined)
    return Math.floor(exclusive) + (step > 0 ? 1 : -1) * (Number.isInteger(exclusive) ? 1 : 0);
  return fallback;
}

/** A value the schema refuses, with the reason, or `undefined` when every value would do. */
export function invalid(schema: JSONSchema, components: Record<string, JSONSchema>): unknown {
  const s = resolve(schema, components);
  if (Array.isArray(s.enum)) return "not-one-of-the-values";
  const type = Array.isArray(s.type) ? s.type.find((t: string) => t !== "null") : s.type;
  switch (type) {
    case "integer":
      return "not-a-number";
    case "number":
      return "not-a-number";
    case "boolean":
      return "not-a-boolean";
    case "string":
      if (s.minLength) return "";
      if (s.format === "email") return "no-at-sign";
      return undefined;
    default:
      return undefined;
  }
}

export function resolve(schema: JSONSchema, components: Record<string, JSONSchema>): JSONSchema {
  let current = schema;
  while (current && typeof current.$ref === "string") {
    const name = current.$ref.replace("#/components/schemas/", "");
    current = {
      ...components[name],
      ...Object.fromEntries(Object.entries(current).filter(([k]) => k !== "$ref")),
    };
  }
  return current ?? {};
}
