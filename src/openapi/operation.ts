import type { Plan } from "../di/analyse.js";
import { planSecurity } from "../di/security-info.js";
import { ConfigurationError } from "../errors.js";
import type { CompiledRoute } from "../internal/runtime.js";
import type { InputGroup } from "../request/inputs.js";
import {
  acceptsUndefined,
  type InputSchema,
  isSchema,
  objectSchemaOf,
} from "../validation/schema.js";
import { type Context, convert } from "./convert.js";
import { derivedSummary } from "./names.js";
import { buildResponses } from "./responses.js";
import { isArraySchema, type SchemaRegistry } from "./schemas.js";
import type {
  JSONSchema,
  OperationObject,
  ParameterObject,
  RequestBodyObject,
  SecurityRequirement,
} from "./types.js";

/** One method of one route, as the document describes it. */
export interface OperationSource {
  readonly route: CompiledRoute;
  /** The route's dependencies as declared (overrides are a test's business, not the API's). */
  readonly plan: Plan;
  readonly method: string;
  readonly operationId: string;
}

/** What an operation adds to the document besides itself. */
export interface OperationExtras {
  /** Security schemes by name, from the route's security dependencies. */
  readonly securitySchemes: Map<string, Record<string, unknown>>;
  /** What JSON Schema could not express, for the route's startup warning. */
  readonly problems: string[];
}

const LOCATIONS: Record<string, ParameterObject["in"]> = {
  params: "path",
  query: "query",
  headers: "header",
  cookies: "cookie",
};
const LOCATION_ORDER = ["path", "query", "header", "cookie"];

/**
 * Builds one operation: parameters, request body, responses and security from the route's own
 * inputs and those its dependencies declare, documented the same way.
 */
export function buildOperation(
  source: OperationSource,
  registry: SchemaRegistry,
  extras: OperationExtras,
): OperationObject {
  const { route, plan, method, operationId } = source;
  const record = route.record;
  const options = record.options;
  // A dependency with `cache: false` has a step per use; its inputs are documented once.
  const deps = [...new Set(plan.steps.map((step) => step.dep))];
  const groups = [...record.groups, ...deps.flatMap((dep) => dep.groups ?? [])];
  const files = [options.files, ...deps.map((dep) => dep.inputs.files)].filter(
    (f): f is InputSchema => f !== undefined,
  );
  const context: Context = { registry, where: route.label, operationId, problems: extras.problems };
  const parameters = buildParameters(route, groups, context);
  const requestBody = buildRequestBody(groups, files, context);
  const operation: OperationObject = {
    ...(record.tags.length > 0 ? { tags: [...record.tags] } : {}),
    summary: options.summary ?? derivedSummary(record.name, record.path, method),
    ...(options.description !== undefined ? { description: options.description } : {}),
    operationId,
    ...(options.deprecated ? { deprecated: true } : {}),
    ...(parameters.length > 0 ? { parameters } : {}),
    ...(requestBody ? { requestBody } : {}),
    responses: buildResponses(route, groups.length > 0 || files.length > 0, context),
    security: buildSecurity(plan, extras.securitySchemes, route.label),
  };
  return operation;
}

/** A converted object schema's properties and required names, a named one expanded. */
function objectParts(
  context: Context,
  schema: InputSchema,
  io: "input" | "output",
  part: string,
): { properties: Record<string, JSONSchema>; required: string[] } {
  const { json, rootId } = convert(context, schema, io, part);
  const object = rootId ? context.registry.definition(rootId, io) : json;
  return {
    properties: (object.properties as Record<string, JSONSchema> | undefined) ?? {},
    required: (object.required as string[] | undefined) ?? [],
  };
}

function buildParameters(
  route: CompiledRoute,
  groups: readonly InputGroup[],
  context: Context,
): ParameterObject[] {
  const parameters: ParameterObject[] = [];
  const seen = new Set<string>();
  for (const group of groups) {
    const location = LOCATIONS[group.key];
    if (location === undefined) continue;
    const { properties, required } = objectParts(context, group.schema, "input", group.key);
    for (const [name, schema] of Object.entries(properties)) {
      const wire = location === "header" ? wireName(group, name) : name;
      if (seen.has(`${location}:${wire}`)) continue;
      seen.add(`${location}:${wire}`);
      parameters.push(
        parameter(wire, location, location === "path" || required.includes(name), schema),
      );
    }
  }
  // Path parameters no schema declares reach the handler as strings.
  for (const name of route.record.template.names) {
    if (!seen.has(`path:${name}`))
      parameters.push(parameter(name, "path", true, { type: "string" }));
  }
  const order = (p: ParameterObject) => LOCATION_ORDER.indexOf(p.in);
  const names = route.record.template.names;
  return parameters.sort(
    (a, b) =>
      order(a) - order(b) || (a.in === "path" ? names.indexOf(a.name) - names.indexOf(b.name) : 0),
  );
}

function wireName(group: InputGroup, name: string): string {
  return group.fields?.find((field) => field.name === name)?.wire ?? name;
}

function parameter(
  name: string,
  location: ParameterObject["in"],
  required: boolean,
  schema: JSONSchema,
): ParameterObject {
  const description = typeof schema.description === "string" ? schema.description : undefined;
  return {
    name,
    in: location,
    required,
    schema,
    ...(description !== undefined ? { description } : {}),
    ...(schema.deprecated === true ? { deprecated: true } : {}),
  };
}

function buildRequestBody(
  groups: readonly InputGroup[],
  files: readonly InputSchema[],
  context: Context,
): RequestBodyObject | undefined {
  const json = groups.filter((g) => g.key === "body");
  if (json.length > 0) {
    const schemas = json.map((g) => convert(context, g.schema, "input", "body").json);
    return {
      content: {
        "application/json": { schema: schemas.length === 1 ? schemas[0]! : { allOf: schemas } },
      },
      required: json.some((g) => !optional(g.schema)),
    };
  }
  const forms = groups.filter((g) => g.key === "form");
  if (forms.length === 0 && files.length === 0) return undefined;
  const properties: Record<string, JSONSchema> = {};
  const required = new Set<string>();
  for (const form of forms) {
    const parts = objectParts(context, form.schema, "input", "form");
    Object.assign(properties, parts.properties);
    for (const name of parts.required) required.add(name);
  }
  for (const input of files) {
    const parts = objectParts({ ...context, problems: [] }, input, "input", "files");
    for (const [name, schema] of Object.entries(parts.properties))
      properties[name] = binary(schema);
    for (const name of parts.required) required.add(name);
  }
  const mediaType = files.length > 0 ? "multipart/form-data" : "application/x-www-form-urlencoded";
  const schema: JSONSchema = { type: "object", properties };
  if (required.size > 0) schema.required = [...required];
  return { content: { [mediaType]: { schema } }, required: required.size > 0 };
}

/** An upload field: binary, or an array of binaries for a field taking several files. */
function binary(schema: JSONSchema): JSONSchema {
  const file: JSONSchema = { type: "string", format: "binary" };
  const described =
    typeof schema.description === "string" ? { description: schema.description } : {};
  if (isArraySchema(schema)) return { type: "array", items: file, ...described };
  return { ...file, ...described };
}

function optional(schema: InputSchema): boolean {
  const object = objectSchemaOf(schema);
  return object !== undefined && isSchema(object) && acceptsUndefined(object);
}

/**
 * Every security dependency in the plan is required, so they form one requirement (all of them),
 * not alternatives. Public operations say so with `security: []`.
 */
function buildSecurity(
  plan: Plan,
  schemes: Map<string, Record<string, unknown>>,
  where: string,
): SecurityRequirement[] {
  const requirement: SecurityRequirement = {};
  for (const { name, scheme, scopes } of planSecurity(plan, where)) {
    const known = schemes.get(name);
    if (known && JSON.stringify(known) !== JSON.stringify(scheme)) {
      throw new ConfigurationError(
        `Route ${where}: two different security schemes are named '${name}'. Give one another scheme name.`,
      );
    }
    schemes.set(name, scheme);
    requirement[name] = scopes;
  }
  return Object.keys(requirement).length > 0 ? [requirement] : [];
}
