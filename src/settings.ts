import { existsSync, readFileSync } from "node:fs";
import { resolve } from "node:path";
import { inspect, parseEnv } from "node:util";
import { ConfigurationError } from "./errors.js";
import { compileCoercer, jsonTypes } from "./request/coerce.js";
import type { Infer } from "./types.js";
import type { ValidationErrorItem } from "./validation/errors.js";
import { groupJSONSchema, type InputSchema, type JSONSchema } from "./validation/schema.js";
import { compileValidator } from "./validation/validator.js";

export interface SettingsOptions {
  /** A dotenv file read below the environment: `.env` by default, `false` for none. */
  envFile?: string | false;
  /** Prepended to every variable name: with `"APP_"`, `databaseUrl` reads `APP_DATABASE_URL`. */
  prefix?: string;
  /** The variables to read (default `process.env`), for tests. */
  env?: Readonly<Record<string, string | undefined>>;
}

/** One variable that is missing or invalid. */
export interface SettingsProblem {
  /** The variable's name, prefix included. */
  variable: string;
  message: string;
}

/**
 * Settings failed to load; `message` lists every problem at once, `problems` has them one by
 * one. Values of secret settings never appear in either.
 */
export class SettingsError extends ConfigurationError {
  readonly problems: readonly SettingsProblem[];

  constructor(problems: SettingsProblem[], where: string, hint: string) {
    const count = problems.length === 1 ? "1 variable" : `${problems.length} variables`;
    const lines = problems.map((p) => `  ${p.variable}: ${p.message}`);
    super(
      `Settings are not valid: ${count} to fix (read from ${where}).\n${lines.join("\n")}${hint}`,
    );
    this.name = "SettingsError";
    this.problems = problems;
  }
}

const MASK = "**********";
// Names that hold secrets even when the schema does not say so: masking a value that is not a
// secret costs nothing, printing one that is costs a credential.
const SECRET_NAME = /secret|passw(or)?d|token|api_?key|private_?key|credential/i;

interface Field {
  key: string;
  variable: string;
  coerce: (raw: string) => unknown;
  secret: boolean;
}

/**
 * Loads settings from environment variables and a `.env` file into a typed, validated, frozen
 * object (pydantic-settings' `BaseSettings`). `databaseUrl` reads `DATABASE_URL` (with the
 * prefix, case-insensitively); the environment wins over the file; values are converted by the
 * field's type (`"8000"` -> 8000, `"true"` -> true, JSON for arrays and objects). Every missing
 * or invalid variable is reported at once in a {@link SettingsError}. Secrets — fields with
 * `.meta({ secret: true })`, or named like `*_SECRET`, `*PASSWORD`, `*TOKEN`, `*API_KEY` — never
 * appear in errors, and print as `**********` (`console.log`, `JSON.stringify`, logs).
 *
 * @example
 * export const config = settings(
 *   z.object({
 *     databaseUrl: z.string(),
 *     port: z.int().default(8000),
 *     debug: z.boolean().default(false),
 *     sessionKey: z.string().min(32).meta({ secret: true }),
 *   }),
 *   { prefix: "APP_" },
 * );
 * config.port; // number, from APP_PORT
 */
export function settings<const S extends InputSchema>(
  schema: S,
  options: SettingsOptions = {},
): Readonly<Infer<S>> {
  const prefix = options.prefix ?? "";
  const envFile = options.envFile === undefined ? ".env" : options.envFile;
  const fields = describeFields(schema, prefix);
  const fromFile = envFile ? readEnvFile(envFile) : {};
  const sources = [lookup(options.env ?? process.env), lookup(fromFile)];
  const raw: Record<string, unknown> = {};
  for (const field of fields) {
    const value = sources.map((find) => find(field.variable)).find((v) => v !== undefined);
    if (value !== undefined) raw[field.key] = field.coerce(value);
  }
  const variables = new Map(fields.map((f) => [f.key, f]));
  const validate = compileValidator(schema, {
    source: "body",
    jsonSchema: groupJSONSchema(schema),
    fromStrings: true,
  });
  const outcome = validate(raw);
  if (outcome instanceof Promise) {
    throw new ConfigurationError(
      "settings() validates synchronously, at startup: remove async refinements from the schema.",
    );
  }
  if (!outcome.success) {
    const where = envFile ? `the environment and ${envFile}` : "the environment";
    const problems = outcome.errors.map((e) => describeProblem(e, variables, prefix, where));
    throw new SettingsError(
      problems,
      where,
      unusedHint(options.env ?? process.env, prefix, fields),
    );
  }
  return masked(outcome.data as Record<string, unknown>, fields) as Readonly<Infer<S>>;
}

function describeFields(schema: InputSchema, prefix: string): Field[] {
  const json = groupJSONSchema(schema);
  const properties = json.properties as Record<string, JSONSchema> | undefined;
  if (json.type !== "object" || !properties) {
    throw new ConfigurationError(
      "settings() takes an object schema, e.g. z.object({ port: z.int().default(8000) }), or a record of field schemas.",
    );
  }
  return Object.entries(properties).map(([key, field]) => {
    const variable = prefix + envName(key);
    const structured = jsonTypes(field).some((t) => t === "array" || t === "object");
    const coerce = structured ? parseJsonOrKeep : (compileCoercer(field) as (r: string) => unknown);
    const marked = field.secret;
    const secret = typeof marked === "boolean" ? marked : SECRET_NAME.test(key);
    return { key, variable, coerce, secret };
  });
}

/** `databaseUrl` -> `DATABASE_URL`; `DATABASE_URL` and `database_url` stay as they are. */
function envName(key: string): string {
  return key
    .replace(/([a-z\d])([A-Z])/g, "$1_$2")
    .replace(/[^A-Za-z\d]+/g, "_")
    .toUpperCase();
}

function parseJsonOrKeep(raw: string): unknown {
  try {
    return JSON.parse(raw);
  } catch {
    return raw;
  }
}

function readEnvFile(path: string): Record<string, string> {
  const file = resolve(path);
  if (!existsSync(file)) return {};
  return parseEnv(readFileSync(file, "utf8")) as Record<string, string>;
}

/** Finds a variable by its exact name, else case-insensitively (as pydantic-settings does). */
function lookup(
  env: Readonly<Record<string, string | undefined>>,
): (name: string) => string | undefined {
  let folded: Map<string, string | undefined> | undefined;
  return (name) => {
    if (env[name] !== undefined) return env[name];
    folded ??= new Map(Object.entries(env).map(([k, v]) => [k.toUpperCase(), v]));
    return folded.get(name.toUpperCase());
  };
}

function describeProblem(
  error: ValidationErrorItem,
  fields: Map<string, Field>,
  prefix: string,
  where: string,
): SettingsProblem {
  const key = String(error.loc[1] ?? "");
  const field = fields.get(key);
  const variable = field?.variable ?? prefix + envName(key);
  const inner = error.loc.slice(2);
  const at = inner.length > 0 ? ` (at ${inner.join(".")})` : "";
  if (error.type === "missing" && inner.length === 0) {
    return { variable, message: `missing: set it in ${where.replace(" and ", " or in ")}.` };
  }
  const shown = field?.secret
    ? " (value hidden: secret)"
    : error.input === undefined
      ? ""
      : ` (got ${inspect(error.input)})`;
  return { variable, message: `${error.msg}${at}${shown}` };
}

/** Variables with the prefix that no field reads: most often a typo of one that is missing. */
function unusedHint(
  env: Readonly<Record<string, string | undefined>>,
  prefix: string,
  fields: Field[],
): string {
  if (!prefix) return "";
  const known = new Set(fields.map((f) => f.variable.toUpperCase()));
  const unused = Object.keys(env).filter(
    (name) => name.toUpperCase().startsWith(prefix.toUpperCase()) && !known.has(name.toUpperCase()),
  );
  return unused.length > 0 ? `\nSet but not read (a typo?): ${unused.join(", ")}` : "";
}

/** The settings object, with secret values masked wherever it is printed or serialized. */
function masked(data: Record<string, unknown>, fields: Field[]): Record<string, unknown> {
  const secrets = fields.filter((f) => f.secret && data[f.key] !== undefined).map((f) => f.key);
  const printable = () => {
    const copy: Record<string, unknown> = { ...data };
    for (const key of secrets) copy[key] = MASK;
    return copy;
  };
  Object.defineProperty(data, "toJSON", { value: printable });
  Object.defineProperty(data, inspect.custom, {
    value: (_depth: number, options: object) => inspect(printable(), options),
  });
  return Object.freeze(data);
}
