import type { StandardSchemaV1 } from "@standard-schema/spec";
import { z } from "zod";
import {
  DEFAULT_MESSAGE,
  type FormatOptions,
  formatIssues,
  type ValidationErrorItem,
} from "./errors.js";
import { type InputSchema, isSchema, isZodSchema, objectSchemaOf, type Schema } from "./schema.js";

export type Outcome =
  | { readonly success: true; readonly data: unknown }
  | { readonly success: false; readonly errors: ValidationErrorItem[] };

/** Validates one input group; synchronous unless the schema has async checks. */
export type Validate = (value: unknown) => Outcome | Promise<Outcome>;

type Format = Omit<FormatOptions, "value">;

// Zod's issues are finalized with these settings: each carries its input, and messages Zod
// would make up itself are marked so pydantic's wording replaces them (a schema's own stay).
const FINALIZE = { reportInput: true, error: () => DEFAULT_MESSAGE, async: false };
// Zod reads its parse context and never writes it: one for every synchronous run.
const SYNC = { async: false } as const;

/**
 * Compiles the validator of an input group, once per route. Zod schemas are called directly (their
 * JIT-compiled fast path); other Standard Schemas through `~standard.validate`; a record mixing
 * libraries field by field.
 */
export function compileValidator(input: InputSchema, format: Format): Validate {
  const schema = objectSchemaOf(input);
  if (schema && isZodSchema(schema)) return zodValidator(schema, format);
  if (schema) return standardValidator(schema, format);
  return fieldsValidator(input as Record<string, Schema>, format);
}

/**
 * Zod through its core API (`_zod.run`, what `safeParse` itself calls), so a failing value is
 * parsed once and its raw issues are finalized once, without building a `ZodError` (an `Error`,
 * stack and all) or formatting messages that pydantic's replace: the 422 path costs about what
 * the valid path does. Falls back to `safeParse` if the core API is not there.
 */
function zodValidator(schema: z.ZodType, format: Format): Validate {
  // One options object per validator; formatting is synchronous, so setting `value` just before
  // is safe, and saves a copy per failing request.
  const options: FormatOptions = { ...format, value: undefined };
  const failure = (value: unknown, issues: readonly z.core.$ZodRawIssue[]): Outcome => {
    const config = z.core.config();
    const finalized: z.core.$ZodIssue[] = [];
    for (const issue of issues) finalized.push(z.core.util.finalizeIssue(issue, FINALIZE, config));
    options.value = value;
    const errors = formatIssues(finalized, options);
    options.value = undefined;
    return { success: false, errors };
  };
  const slow = async (value: unknown): Promise<Outcome> => {
    const payload = await schema._zod.run({ value, issues: [] }, { async: true });
    return payload.issues.length
      ? failure(value, payload.issues)
      : { success: true, data: payload.value };
  };
  if (typeof schema._zod?.run !== "function" || typeof z.core.util?.finalizeIssue !== "function") {
    return publicZodValidator(schema, format);
  }
  return (value) => {
    let payload: z.core.ParsePayload | Promise<z.core.ParsePayload>;
    try {
      payload = schema._zod.run({ value, issues: [] }, SYNC);
    } catch (error) {
      // An async check met in a synchronous run: run again, asynchronously.
      if (error instanceof z.core.$ZodAsyncError) return slow(value);
      throw error;
    }
    if (payload instanceof Promise) return slow(value);
    return payload.issues.length
      ? failure(value, payload.issues)
      : { success: true, data: payload.value };
  };
}

function publicZodValidator(schema: z.ZodType, format: Format): Validate {
  return (value) =>
    schema
      .safeParseAsync(value, FINALIZE)
      .then((result) =>
        result.success
          ? result
          : { success: false, errors: formatIssues(result.error.issues, { ...format, value }) },
      );
}

function standardValidator(schema: Schema, format: Format): Validate {
  const settle = (value: unknown, result: StandardSchemaV1.Result<unknown>): Outcome =>
    result.issues
      ? {
          success: false,
          // Only the standard part of an issue is read: other libraries' `code`s mean other things.
          errors: formatIssues(
            result.issues.map(({ message, path }) => ({ message, path })),
            { ...format, value },
          ),
        }
      : { success: true, data: result.value };
  return (value) => {
    const result = schema["~standard"].validate(value);
    return result instanceof Promise ? result.then((r) => settle(value, r)) : settle(value, result);
  };
}

function fieldsValidator(fields: Record<string, Schema>, format: Format): Validate {
  const entries = Object.entries(fields).map(([name, schema]) => {
    const fieldFormat: Format = { ...format, jsonSchema: undefined, wireName: undefined };
    return [name, isSchema(schema) ? compileValidator(schema, fieldFormat) : undefined] as const;
  });
  return (value) => {
    const record = (value ?? {}) as Record<string, unknown>;
    const outcomes = entries.map(([name, validate]) => validate?.(record[name]));
    const combine = (settled: (Outcome | undefined)[]): Outcome => {
      const data: Record<string, unknown> = {};
      const errors: ValidationErrorItem[] = [];
      settled.forEach((outcome, i) => {
        const name = entries[i]![0];
        if (!outcome) return;
        if (outcome.success) {
          if (outcome.data !== undefined) data[name] = outcome.data;
        } else {
          for (const error of outcome.errors) {
            error.loc.splice(1, 0, format.wireName ? format.wireName(name) : name);
            if (error.type === "missing") error.input = null;
            errors.push(error);
          }
        }
      });
      return errors.length ? { success: false, errors } : { success: true, data };
    };
    return outcomes.some((o) => o instanceof Promise)
      ? Promise.all(outcomes).then(combine)
      : combine(outcomes as (Outcome | undefined)[]);
  };
}
