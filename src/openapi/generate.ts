import type { Plan } from "../di/analyse.js";
import { ConfigurationError } from "../errors.js";
import type { CompiledRoute } from "../internal/runtime.js";
import { derivedOperationId, openapiPath } from "./names.js";
import { buildOperation } from "./operation.js";
import { SchemaRegistry } from "./schemas.js";
import type {
  InfoObject,
  OpenAPIDocument,
  PathItemObject,
  ServerObject,
  TagObject,
} from "./types.js";

/** Everything a document is made from: the app's metadata and its compiled routes. */
export interface DocumentSource {
  readonly info: InfoObject;
  readonly servers: readonly ServerObject[];
  /** Tag metadata, in the order the docs list the groups. */
  readonly tags: readonly TagObject[] | undefined;
  readonly routes: readonly CompiledRoute[];
  /** A route's dependency plan as declared: overrides are for tests, not for the API's clients. */
  planFor(route: CompiledRoute): Plan;
}

export interface Generated {
  readonly document: OpenAPIDocument;
  /** One line per route with a schema JSON Schema cannot fully express. */
  readonly warnings: string[];
}

/**
 * The OpenAPI 3.1 document of a route table: a pure function of its source (FastAPI's
 * `get_openapi`). Routes with `includeInSchema: false` are left out. Mistakes only the whole
 * document shows (two operations with one operationId, two schemas with one id) are
 * {@link ConfigurationError}s naming the routes.
 *
 * @example
 * const { document } = generateOpenAPI({ info: { title: "API", version: "1" }, servers: [{ url: "/" }],
 *   tags: undefined, routes: table.routes, planFor: (route) => route.plan });
 */
export function generateOpenAPI(source: DocumentSource): Generated {
  const registry = new SchemaRegistry();
  const paths: Record<string, PathItemObject> = {};
  const securitySchemes = new Map<string, Record<string, unknown>>();
  const operationIds = new Map<string, string>();
  const warnings: string[] = [];
  for (const route of source.routes) {
    const record = route.record;
    if (record.options.includeInSchema === false) continue;
    const plan = source.planFor(route);
    const problems: string[] = [];
    const path = openapiPath(record.path);
    for (const method of record.methods) {
      const operationId = operationIdOf(route, method);
      const label = `${method} ${record.path}`;
      const clash = operationIds.get(operationId);
      if (clash !== undefined) {
        throw new ConfigurationError(
          `Routes ${clash} and ${label} have the same operationId '${operationId}'. ` +
            "Give one another `operationId` (or another handler name).",
        );
      }
      operationIds.set(operationId, label);
      const operation = buildOperation({ route, plan, method, operationId }, registry, {
        securitySchemes,
        problems,
      });
      paths[path] ??= {};
      paths[path][method.toLowerCase()] = operation;
    }
    if (problems.length > 0) warnings.push(warning(route.label, problems));
  }
  const schemas = registry.finish(paths);
  const components = {
    ...(Object.keys(schemas).length > 0 ? { schemas } : {}),
    ...(securitySchemes.size > 0
      ? {
          securitySchemes: Object.fromEntries(
            [...securitySchemes].sort(([a], [b]) => (a < b ? -1 : 1)),
          ),
        }
      : {}),
  };
  const document: OpenAPIDocument = {
    openapi: "3.1.0",
    info: source.info,
    servers: [...source.servers],
    paths,
    ...(Object.keys(components).length > 0 ? { components } : {}),
    ...(source.tags && source.tags.length > 0 ? { tags: [...source.tags] } : {}),
  };
  return { document, warnings };
}

/** The route's `operationId`, else FastAPI's; a route with several methods gets one per method. */
function operationIdOf(route: CompiledRoute, method: string): string {
  const { options, methods, name, path } = route.record;
  if (options.operationId === undefined) return derivedOperationId(name, path, method);
  return methods.length > 1
    ? `${options.operationId}_${method.toLowerCase()}`
    : options.operationId;
}

function warning(label: string, problems: string[]): string {
  const parts = [...new Set(problems)].join("; ");
  return (
    `Route ${label}: JSON Schema cannot express part of its schemas (${parts}). ` +
    "The OpenAPI document shows those parts as any value, or a response by what the handler " +
    "returns before its transform; requests are still validated by the schemas."
  );
}
