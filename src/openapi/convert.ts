import type { InputSchema } from "../validation/schema.js";
import type { SchemaRegistry } from "./schemas.js";
import type { JSONSchema } from "./types.js";

/** What the builders of one operation share. */
export interface Context {
  readonly registry: SchemaRegistry;
  /** The route, for messages: `POST /users/`. */
  readonly where: string;
  readonly operationId: string;
  readonly problems: string[];
}

/** Converts a group for the document and notes what could not be expressed. */
export function convert(
  context: Context,
  schema: InputSchema,
  io: "input" | "output",
  part: string,
): { json: JSONSchema; rootId: string | undefined } {
  const converted = context.registry.convertGroup(
    schema,
    io,
    context.where,
    `${part[0]!.toUpperCase()}${part.slice(1)}_${context.operationId}`,
  );
  for (const problem of converted.problems) context.problems.push(`${part}: ${problem}`);
  return converted;
}
