import { z } from "zod";
import { ConfigurationError } from "../errors.js";
import {
  acceptsUndefined,
  type InputSchema,
  isZodSchema,
  type JSONSchema,
  objectSchemaOf,
  type Schema,
} from "../validation/schema.js";

/** Which side of the wire a schema describes: what clients send, or what the API answers. */
export type IO = "input" | "output";

/** A schema converted for the document, with what JSON Schema could not say about it. */
export interface Converted {
  json: JSONSchema;
  /** Parts documented as "any value" or by their input type, for the startup warning. */
  problems: string[];
  /** The component id when the schema itself is named (`.meta({ id })`). */
  rootId: string | undefined;
}

interface Def {
  readonly id: string;
  readonly io: IO;
  readonly json: JSONSchema;
  /** The definition as converted, for telling two different schemas with one id apart. */
  readonly text: string;
  readonly refs: Set<string>;
  readonly where: string;
}

const REF = "vial-ref:";
const COMPONENT = "#/components/schemas/";
const INVALID_NAME = /[^A-Za-z0-9._-]/g;

/**
 * Collects the schemas of one document. Named schemas (`.meta({ id })`, or registered in
 * `z.globalRegistry` with an id) go to `components.schemas` and are used by `$ref`; everything
 * else stays inline. A named schema whose request and response forms differ (defaults, which the
 * response always has, or transforms) becomes two components, `Name-Input` and `Name-Output`, as
 * FastAPI names them. References stay placeholders until {@link finish} knows every form.
 */
export class SchemaRegistry {
  readonly #defs = new Map<string, Def>();
  readonly #fixed = new Map<string, JSONSchema>();

  /** A component written by Vial itself (the 422 schemas). */
  fixed(name: string, json: JSONSchema): JSONSchema {
    this.#fixed.set(name, json);
    return { $ref: COMPONENT + name };
  }

  /** Converts one schema. `where` names the route in errors; `hint` names unnamed recursive parts. */
  convert(schema: Schema, io: IO, where: string, hint: string): Converted {
    let { json, problems } = rawJSONSchema(schema, io);
    if (problems.length > 0 && io === "output") {
      // A transform's output has no JSON Schema: document what the handler returns instead.
      json = rawJSONSchema(schema, "input").json;
    }
    return { ...this.#absorb(json, io, where, hint), problems };
  }

  /** Converts a group given as a schema or as a record of field schemas. */
  convertGroup(input: InputSchema, io: IO, where: string, hint: string): Converted {
    const schema = objectSchemaOf(input);
    if (schema) return this.convert(schema, io, where, hint);
    const properties: Record<string, JSONSchema> = {};
    const required: string[] = [];
    const problems: string[] = [];
    for (const [name, field] of Object.entries(input as Record<string, Schema>)) {
      const converted = this.convert(field, io, where, `${hint}_${name}`);
      properties[name] = converted.json;
      problems.push(...converted.problems.map((p) => `${name}: ${p}`));
      if (!acceptsUndefined(field)) required.push(name);
    }
    return { json: { type: "object", properties, required }, problems, rootId: undefined };
  }

  /** The definition of a named schema, for expanding a named object into parameters. */
  definition(id: string, io: IO): JSONSchema {
    return this.#defs.get(`${io}:${id}`)?.json ?? {};
  }

  /**
   * Names the components and fills in every reference under `roots` (the document's paths).
   * Returns `components.schemas`, sorted by name, with only the schemas the document uses.
   */
  finish(roots: unknown): Record<string, JSONSchema> {
    const used = new Set<string>();
    collectRefs(roots, used);
    for (const key of [...used]) this.#reach(key, used);
    const split = this.#splitIds(used);
    const nameOf = (key: string): string => {
      const def = this.#defs.get(key)!;
      if (!split.has(def.id)) return def.id;
      return `${def.id}-${def.io === "input" ? "Input" : "Output"}`;
    };
    const components: Record<string, JSONSchema> = {};
    for (const [name, json] of this.#fixed) components[name] = json;
    for (const key of used) {
      const def = this.#defs.get(key)!;
      const name = nameOf(key);
      if (this.#fixed.has(name)) {
        throw new ConfigurationError(
          `${def.where}: the schema id '${def.id}' is the name of a schema Vial writes itself. Give yours another id.`,
        );
      }
      components[name] ??= def.json;
    }
    replaceRefs(roots, nameOf);
    for (const json of Object.values(components)) replaceRefs(json, nameOf);
    return Object.fromEntries(Object.entries(components).sort(([a], [b]) => (a < b ? -1 : 1)));
  }

  #reach(key: string, used: Set<string>): void {
    for (const ref of this.#defs.get(key)?.refs ?? []) {
      if (used.has(ref)) continue;
      used.add(ref);
      this.#reach(ref, used);
    }
  }

  /** Ids whose request and response forms differ, themselves or through a schema they use. */
  #splitIds(used: Set<string>): Set<string> {
    const split = new Set<string>();
    const both = [...used]
      .map((key) => this.#defs.get(key)!)
      .filter((def) => def.io === "input" && used.has(`output:${def.id}`));
    for (const def of both) {
      if (def.text !== this.#defs.get(`output:${def.id}`)!.text) split.add(def.id);
    }
    for (let changed = true; changed; ) {
      changed = false;
      for (const def of both) {
        if (split.has(def.id)) continue;
        const refs = [...def.refs, ...this.#defs.get(`output:${def.id}`)!.refs];
        if (refs.some((ref) => split.has(ref.slice(ref.indexOf(":") + 1)))) {
          split.add(def.id);
          changed = true;
        }
      }
    }
    return split;
  }

  /** Moves `$defs` into the registry and turns their references into placeholders. */
  #absorb(json: JSONSchema, io: IO, where: string, hint: string): Omit<Converted, "problems"> {
    const {
      $defs,
      $schema: _,
      ...root
    } = json as JSONSchema & { $defs?: Record<string, JSONSchema> };
    const names = new Map<string, string>();
    let anonymous = 0;
    for (const local of Object.keys($defs ?? {})) {
      names.set(local, local.startsWith("__schema") ? `${hint}_${++anonymous}` : safeName(local));
    }
    const recursiveRoot = containsRef(root, "#");
    if (recursiveRoot) names.set("#", hint);
    const placeholder = (ref: string): string | undefined => {
      const local = ref === "#" ? "#" : ref.startsWith("#/$defs/") ? ref.slice(8) : undefined;
      const name = local === undefined ? undefined : names.get(decodePointer(local));
      return name === undefined ? undefined : `${REF}${io}:${name}`;
    };
    for (const [local, def] of Object.entries($defs ?? {})) {
      this.#register(names.get(local)!, io, def, where, placeholder);
    }
    if (recursiveRoot) {
      this.#register(hint, io, root, where, placeholder);
      return { json: { $ref: `${REF}${io}:${hint}` }, rootId: hint };
    }
    const converted = withPlaceholders(root, placeholder);
    const rootRef = converted.$ref;
    const rootId =
      typeof rootRef === "string" && Object.keys(converted).length === 1
        ? rootRef.slice(REF.length + io.length + 1)
        : undefined;
    return { json: converted, rootId };
  }

  #register(
    id: string,
    io: IO,
    body: JSONSchema,
    where: string,
    placeholder: (ref: string) => string | undefined,
  ): void {
    const text = JSON.stringify(body);
    const key = `${io}:${id}`;
    const existing = this.#defs.get(key);
    if (existing) {
      if (existing.text === text) return;
      throw new ConfigurationError(
        `Two different schemas are named '${id}' (used by ${existing.where} and ${where}). ` +
          `Give each its own id in .meta({ id }), or reuse one schema object.`,
      );
    }
    const json = withPlaceholders(body, placeholder);
    const refs = new Set<string>();
    collectRefs(json, refs);
    this.#defs.set(key, { id, io, json, text, refs, where });
  }
}

/** The JSON Schema of one schema, and the parts that JSON Schema cannot express. */
function rawJSONSchema(schema: Schema, io: IO): { json: JSONSchema; problems: string[] } {
  const problems: string[] = [];
  if (isZodSchema(schema)) {
    const json = z.toJSONSchema(schema, {
      io,
      target: "draft-2020-12",
      reused: "inline",
      cycles: "ref",
      unrepresentable: ({ zodSchema, path, message }) => {
        // What JSON.stringify makes of a Date in a response: an ISO 8601 string.
        if (io === "output" && zodSchema._zod.def.type === "date")
          return { type: "string", format: "date-time" };
        problems.push(
          `${path.filter((p) => p !== "properties").join(".") || "(root)"}: ${message}`,
        );
        return "any";
      },
      override: (ctx) => {
        withoutSafeBounds(ctx);
        withoutFormatPattern(ctx);
        if (io === "output") openObjects(ctx);
      },
    }) as JSONSchema;
    return { json, problems };
  }
  const converter = (
    schema["~standard"] as { jsonSchema?: Record<IO, (o: { target: string }) => JSONSchema> }
  ).jsonSchema;
  if (!converter) return { json: {}, problems: ["its schema library gives no JSON Schema"] };
  try {
    return { json: converter[io]({ target: "draft-2020-12" }), problems };
  } catch (error) {
    return { json: {}, problems: [(error as Error).message] };
  }
}

/**
 * Zod closes every response object (`additionalProperties: false`), which would make each named
 * schema's response form differ from its request form. Vial's responses never carry undeclared
 * fields anyway, so only objects declared strict keep it, as in FastAPI's documents.
 */
function openObjects(ctx: { zodSchema: z.core.$ZodTypes; jsonSchema: JSONSchema }): void {
  const def = ctx.zodSchema._zod.def;
  if (def.type === "object" && def.catchall === undefined) {
    if (ctx.jsonSchema.additionalProperties === false) delete ctx.jsonSchema.additionalProperties;
  }
}

/** Zod's own regex of each format JSON Schema names (`z.email()` -> `format: "email"`). */
let formatPatterns: Map<string, string> | undefined;

/**
 * Zod writes its regex next to a standard `format`. The format already says it, and the regex
 * would make Swagger UI draw its examples from the regex (a random string for an email). A
 * pattern of the user's own is kept.
 */
function withoutFormatPattern(ctx: { jsonSchema: JSONSchema }): void {
  const json = ctx.jsonSchema;
  if (typeof json.format !== "string" || typeof json.pattern !== "string") return;
  formatPatterns ??= new Map(
    Object.entries({
      email: z.email(),
      uuid: z.uuid(),
      ipv4: z.ipv4(),
      ipv6: z.ipv6(),
      "date-time": z.iso.datetime(),
      date: z.iso.date(),
      time: z.iso.time(),
      duration: z.iso.duration(),
    }).map(([format, schema]) => [format, (schema._zod.def.pattern as RegExp).source]),
  );
  if (formatPatterns.get(json.format) === json.pattern) delete json.pattern;
}

/**
 * `z.int()` is bounded to JavaScript's safe integers, which Zod writes on every integer. The
 * document leaves those implied bounds out, so `z.int()` reads `integer`, as clients expect.
 */
function withoutSafeBounds(ctx: { jsonSchema: JSONSchema }): void {
  const json = ctx.jsonSchema;
  if (json.type !== "integer") return;
  if (json.minimum === Number.MIN_SAFE_INTEGER) delete json.minimum;
  if (json.maximum === Number.MAX_SAFE_INTEGER) delete json.maximum;
}

function safeName(id: string): string {
  return id.replace(INVALID_NAME, "_");
}

function decodePointer(segment: string): string {
  return decodeURIComponent(segment).replaceAll("~1", "/").replaceAll("~0", "~");
}

/** A copy of `node` with each `$ref` that `placeholder` knows replaced. */
function withPlaceholders(
  node: JSONSchema,
  placeholder: (ref: string) => string | undefined,
): JSONSchema {
  const visit = (value: unknown): unknown => {
    if (Array.isArray(value)) return value.map(visit);
    if (typeof value !== "object" || value === null) return value;
    const out: Record<string, unknown> = {};
    for (const [key, child] of Object.entries(value)) {
      out[key] =
        key === "$ref" && typeof child === "string" ? (placeholder(child) ?? child) : visit(child);
    }
    return out;
  };
  return visit(node) as JSONSchema;
}

function containsRef(node: unknown, ref: string): boolean {
  if (Array.isArray(node)) return node.some((item) => containsRef(item, ref));
  if (typeof node !== "object" || node === null) return false;
  return Object.entries(node).some(([key, value]) =>
    key === "$ref" ? value === ref : containsRef(value, ref),
  );
}

/** Adds the `io:id` key of every placeholder under `node` to `into`. */
function collectRefs(node: unknown, into: Set<string>): void {
  if (Array.isArray(node)) {
    for (const item of node) collectRefs(item, into);
  } else if (typeof node === "object" && node !== null) {
    for (const [key, value] of Object.entries(node)) {
      if (key === "$ref" && typeof value === "string" && value.startsWith(REF))
        into.add(value.slice(REF.length));
      else collectRefs(value, into);
    }
  }
}

function replaceRefs(node: unknown, nameOf: (key: string) => string): void {
  if (Array.isArray(node)) {
    for (const item of node) replaceRefs(item, nameOf);
  } else if (typeof node === "object" && node !== null) {
    const record = node as Record<string, unknown>;
    for (const [key, value] of Object.entries(record)) {
      if (key === "$ref" && typeof value === "string" && value.startsWith(REF))
        record[key] = COMPONENT + nameOf(value.slice(REF.length));
      else replaceRefs(value, nameOf);
    }
  }
}

/** Whether a JSON Schema describes an array (files fields with several uploads). */
export function isArraySchema(json: JSONSchema): boolean {
  const type = json.type;
  return type === "array" || (Array.isArray(type) && type.includes("array"));
}
