import { RequestValidationError } from "../errors.js";
import { parseJson } from "../request/body.js";
import type { ValidationErrorItem } from "../validation/errors.js";
import { groupJSONSchema, type InputSchema } from "../validation/schema.js";
import { compileValidator, type Validate } from "../validation/validator.js";

/** Checks one JSON message: parsed and validated value, or FastAPI-format errors. */
export type CheckMessage = (
  text: string,
) =>
  | { ok: true; value: unknown }
  | { ok: false; errors: ValidationErrorItem[] }
  | Promise<{ ok: true; value: unknown } | { ok: false; errors: ValidationErrorItem[] }>;

const compiled = new WeakMap<object, CheckMessage>();

/**
 * The checker of a message schema, compiled once per schema (a route's `message` at
 * registration, a schema given to `receiveJson` on first use). Errors are reported like a JSON
 * body's, with `loc` starting at `"message"`: `[{"type":"missing","loc":["message","text"],...}]`.
 */
export function messageChecker(schema: InputSchema | undefined): CheckMessage {
  if (schema === undefined) return parseOnly;
  let check = compiled.get(schema);
  if (check === undefined) {
    check = compile(schema);
    compiled.set(schema, check);
  }
  return check;
}

function compile(schema: InputSchema): CheckMessage {
  const validate: Validate = compileValidator(schema, {
    source: "body",
    jsonSchema: groupJSONSchema(schema, "input"),
    fromStrings: false,
  });
  return (text) => {
    const parsed = parseOnly(text);
    if (!parsed.ok) return parsed;
    const outcome = validate(parsed.value);
    if (outcome instanceof Promise) return outcome.then(settle);
    return settle(outcome);
  };
}

function settle(
  outcome: Awaited<ReturnType<Validate>>,
): { ok: true; value: unknown } | { ok: false; errors: ValidationErrorItem[] } {
  if (outcome.success) return { ok: true, value: outcome.data };
  return { ok: false, errors: outcome.errors.map(asMessageError) };
}

function parseOnly(
  text: string,
): { ok: true; value: unknown } | { ok: false; errors: ValidationErrorItem[] } {
  try {
    return { ok: true, value: parseJson(text) };
  } catch (error) {
    if (error instanceof RequestValidationError) {
      return { ok: false, errors: error.errors.map(asMessageError) };
    }
    throw error;
  }
}

function asMessageError(error: ValidationErrorItem): ValidationErrorItem {
  return { ...error, loc: ["message", ...error.loc.slice(1)] };
}

/** A close reason summing up the errors, within the 123 bytes a close frame allows. */
export function invalidReason(errors: readonly ValidationErrorItem[]): string {
  const first = errors[0];
  const where = first ? first.loc.slice(1).join(".") : "";
  const text = first ? `Invalid message${where ? ` at ${where}` : ""}: ${first.msg}` : "";
  return closeReason(text || "Invalid message");
}

/** Cuts a close reason to the 123 bytes RFC 6455 allows, never inside a character. */
export function closeReason(reason: string): string {
  const bytes = Buffer.from(reason);
  if (bytes.length <= 123) return reason;
  // A character cut in half decodes to U+FFFD; drop it.
  return `${bytes
    .subarray(0, 120)
    .toString("utf8")
    .replace(/\uFFFD+$/, "")}...`;
}
