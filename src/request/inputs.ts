import { ConfigurationError } from "../errors.js";
import { generate } from "../internal/generate.js";
import type { InputSource } from "../validation/errors.js";
import {
  groupJSONSchema,
  type InputSchema,
  isSchema,
  type JSONSchema,
} from "../validation/schema.js";
import { compileValidator, type Validate } from "../validation/validator.js";
import { type Coercer, compileCoercer, jsonTypes } from "./coerce.js";
import { nullRecord, type RawValues } from "./query.js";
import type { UploadFile } from "./uploads.js";

export const INPUT_KEYS = [
  "params",
  "query",
  "headers",
  "cookies",
  "body",
  "form",
  "files",
] as const;
export type InputKey = (typeof INPUT_KEYS)[number];

/** The inputs a route or dependency declares, by where they come from. */
export type InputSpec = { [K in InputKey]?: InputSchema };

const SOURCES: Record<InputKey, InputSource> = {
  params: "path",
  query: "query",
  headers: "header",
  cookies: "cookie",
  body: "body",
  form: "body",
  files: "body",
};

/** One declared field of a string-valued source, with its name on the wire and its coercer. */
export interface Field {
  name: string;
  wire: string;
  coerce: Coercer;
  array: boolean;
}

/** An input group compiled at registration: what to read, how to convert it, how to check it. */
export interface InputGroup {
  readonly key: InputKey;
  readonly source: InputSource;
  readonly schema: InputSchema;
  /** The group as a JSON object schema (input side), for coercion and documentation. */
  readonly jsonSchema: JSONSchema;
  /** The declared fields; `undefined` for a JSON body, validated whole. */
  readonly fields: Field[] | undefined;
  /** Reads the group's values from its source's raw values; `undefined` for a JSON body. */
  readonly collect: Collect | undefined;
  readonly validate: Validate;
}

/**
 * Reads a group's declared fields from its source's raw values, converted, absent ones left out
 * (and the undeclared ones as received, for groups that pass them on).
 */
type Collect = (
  bag: Record<string, any>,
  distinct: Record<string, string[] | undefined> | undefined,
) => Record<string, unknown>;

/** Where the raw values of a request come from; implemented by the exchange. */
export interface RawSources {
  readonly params: Record<string, string | undefined>;
  readonly req: {
    headers: Record<string, string | string[] | undefined>;
    headersDistinct: Record<string, string[] | undefined>;
  };
  rawQuery(): RawValues;
  rawCookies(): Record<string, string | undefined>;
  json: unknown;
  formFields: RawValues | undefined;
  /** Uploaded files by field, once a multipart body was read for a route taking `files`. */
  uploadFiles: Record<string, UploadFile[]> | undefined;
}

/**
 * Compiles every input group of a route or dependency. `where` names the owner in errors;
 * `pathNames` maps a path parameter's name to its key in the matcher's result; it is
 * `undefined` for a dependency, whose path is only known per route (`compileRoute` checks it).
 */
export function compileInputs(
  spec: InputSpec,
  where: string,
  pathNames: ReadonlyMap<string, string> | undefined,
): InputGroup[] {
  const groups: InputGroup[] = [];
  for (const key of INPUT_KEYS) {
    const schema = spec[key];
    if (schema === undefined) continue;
    groups.push(compileGroup(key, schema, where, pathNames));
  }
  return groups;
}

function compileGroup(
  key: InputKey,
  schema: InputSchema,
  where: string,
  pathNames: ReadonlyMap<string, string> | undefined,
): InputGroup {
  const source = SOURCES[key];
  const jsonSchema = groupJSONSchema(schema, "input");
  const isJsonBody = key === "body";
  const properties = jsonSchema.properties as Record<string, JSONSchema> | undefined;
  const wireName = wireNamer(key, pathNames);
  let fields: Field[] | undefined;
  if (!isJsonBody) {
    if (
      !properties &&
      isSchema(schema) &&
      Object.keys(jsonSchema).length > 0 &&
      jsonSchema.type !== "object"
    ) {
      throw new ConfigurationError(
        `${where}: \`${key}\` must be an object schema or a record of field schemas.`,
      );
    }
    fields = Object.entries(properties ?? {}).map(([name, fieldSchema]) => ({
      name,
      wire: wireName(name),
      // For a record of fields, `groupJSONSchema` already converted each field on its own.
      coerce: compileCoercer(fieldSchema),
      array: jsonTypes(fieldSchema).includes("array"),
    }));
    if (key === "params" && pathNames) {
      for (const field of fields) {
        if (!pathNames.has(field.name)) {
          throw new ConfigurationError(
            `${where} declares path parameter '${field.name}' in \`params\`, but the path has no {${field.name}}. ` +
              `Add it to the path or remove it from \`params\`.`,
          );
        }
      }
    }
  }
  // Undeclared keys are passed to the schema too (strict objects, schemas without JSON Schema).
  const passUndeclared = !isJsonBody && (!properties || jsonSchema.additionalProperties === false);
  const validate = compileValidator(schema, {
    source,
    jsonSchema,
    fromStrings: !isJsonBody,
    wireName:
      key === "headers" || key === "params"
        ? (name) => (key === "headers" ? wireName(name) : name)
        : undefined,
  });
  const collect = fields && compileCollect(fields, passUndeclared);
  return { key, source, schema, jsonSchema, fields, collect, validate };
}

/**
 * Compiles the reading of a group's fields into straight-line code, one `out["name"] = value`
 * per field: a property added under a name known in advance is a cached step for V8, one added
 * under a name read from an array is a lookup on every request (about a tenth of a `params`
 * request's time in Vial's own code). Names are embedded as JSON string literals, so no field
 * name can change the code. `out` has no prototype, so even `__proto__` is a plain key; a name
 * that `Object.prototype` has (`constructor`) is read from the bag only as its own property, so
 * that absent is absent in node's header records too. Without code generation the
 * same steps run as a loop.
 */
function compileCollect(fields: readonly Field[], passUndeclared: boolean): Collect {
  const declared = passUndeclared ? new Set(fields.map((field) => field.wire)) : undefined;
  const begin = declared
    ? (bag: Record<string, any>) => {
        const out = nullRecord<Record<string, unknown>>();
        for (const key in bag) if (!declared.has(key)) out[key] = bag[key];
        return out;
      }
    : () => nullRecord<Record<string, unknown>>();
  const steps = fields.map((field, i) => {
    const wire = JSON.stringify(field.wire);
    const read = (from: string) =>
      field.wire in Object.prototype ? `own(${from}, ${wire})` : `${from}[${wire}]`;
    const raw = field.array ? `(distinct ? ${read("distinct")} : ${read("bag")})` : read("bag");
    return `v = c${i}(${raw}); if (v !== undefined) out[${JSON.stringify(field.name)}] = v;`;
  });
  const compiled = generate<Collect>(
    ["begin", "own", ...fields.map((_, i) => `c${i}`)],
    `return function collect(bag, distinct) { const out = begin(bag); let v; ${steps.join(" ")} return out; };`,
    [begin, ownValue, ...fields.map((field) => field.coerce)],
  );
  return (
    compiled ??
    ((bag, distinct) => {
      const out = begin(bag);
      for (const field of fields) {
        const value = field.coerce(ownValue(field.array && distinct ? distinct : bag, field.wire));
        if (value !== undefined) out[field.name] = value;
      }
      return out;
    })
  );
}

function wireNamer(
  key: InputKey,
  pathNames: ReadonlyMap<string, string> | undefined,
): (name: string) => string {
  if (key === "headers") return (name) => name.toLowerCase().replaceAll("_", "-");
  if (key === "params") return (name) => pathNames?.get(name) ?? name;
  return (name) => name;
}

/**
 * The raw value under a wire name, only if the record holds it itself: node's header record has
 * `Object.prototype`, whose `constructor` is no header the client sent.
 */
export function ownValue(bag: Record<string, any>, wire: string): any {
  return Object.hasOwn(bag, wire) ? bag[wire] : undefined;
}

/** Reads, converts and collects the raw values of one group for its validator. */
export function extract(group: InputGroup, sources: RawSources): unknown {
  if (group.collect === undefined) return sources.json;
  const distinct = group.source === "header" ? sources.req.headersDistinct : undefined;
  return group.collect(rawBag(group, sources), distinct);
}

/** The raw values of a group's source, by wire name, as received. */
export function rawValues(
  group: InputGroup,
  sources: RawSources,
): Record<string, string | string[] | undefined> {
  // Files are reported by the schema's own errors, not as wire values.
  return group.key === "files" ? {} : rawBag(group, sources);
}

/** The raw values of a group's source by wire name; files are lists of `UploadFile`s. */
function rawBag(group: InputGroup, sources: RawSources): Record<string, any> {
  if (group.key === "files") return sources.uploadFiles ?? {};
  switch (group.source) {
    case "path":
      return sources.params;
    case "query":
      return sources.rawQuery();
    case "header":
      return sources.req.headers;
    case "cookie":
      return sources.rawCookies();
    default:
      return sources.formFields ?? {};
  }
}
