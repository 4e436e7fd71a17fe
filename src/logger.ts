import { createRequire } from "node:module";
import { type LevelWithSilent, type Logger, pino } from "pino";
import { ConfigurationError } from "./errors.js";

export type { Logger };

/** A pino level, or `"silent"` for none. */
export type LogLevel = LevelWithSilent;

/** `"json"`: one JSON object per line (`vial run`); `"pretty"`: coloured, for people (`vial dev`). */
export type LogFormat = "json" | "pretty";

export interface LoggerOptions {
  level?: LogLevel;
  format?: LogFormat;
  /** Where lines go (default: standard output). */
  destination?: NodeJS.WritableStream;
}

const LEVELS: readonly string[] = ["fatal", "error", "warn", "info", "debug", "trace", "silent"];
const TRUE = new Set(["1", "true", "yes", "on"]);
const FALSE = new Set(["0", "false", "no", "off", ""]);

// Fields of the access line that the pretty output already shows in its message.
const PRETTY_IGNORE = "pid,hostname,name,requestId,method,path,status,durationMs,url,routes";

/**
 * The app's logger when none is given: pino at `level`, else `VIAL_LOG_LEVEL`, else `info`
 * (`silent` under a test runner, where `NODE_ENV=test`). It writes JSON lines, or readable lines
 * when `format` (else `VIAL_LOG_FORMAT`) is `"pretty"`, which `vial dev` sets.
 *
 * @example
 * const logger = createLogger({ level: "debug", format: "pretty" });
 * logger.debug("starting");
 */
export function createLogger(options: LoggerOptions = {}): Logger {
  const level =
    options.level ??
    envLevel() ??
    (process.env.NODE_ENV === "test" ? ("silent" as const) : ("info" as const));
  checkLevel(level, "logLevel");
  const format = options.format ?? envFormat();
  const destination = options.destination;
  if (format === "pretty") return pino({ name: "vial", level }, prettyStream(destination));
  return destination ? pino({ name: "vial", level }, destination) : pino({ name: "vial", level });
}

/**
 * A yes/no environment variable: `1`, `true`, `yes`, `on` or `0`, `false`, `no`, `off`;
 * `undefined` when unset. Anything else is a mistake, reported with the variable named.
 */
export function envFlag(name: string): boolean | undefined {
  const raw = process.env[name];
  if (raw === undefined) return undefined;
  const value = raw.trim().toLowerCase();
  if (TRUE.has(value)) return true;
  if (FALSE.has(value)) return false;
  throw new ConfigurationError(
    `${name}='${raw}' is not a yes/no value: use 1 or 0 (or true/false).`,
  );
}

function envLevel(): LogLevel | undefined {
  const raw = process.env.VIAL_LOG_LEVEL;
  if (raw === undefined || raw === "") return undefined;
  checkLevel(raw.toLowerCase(), "VIAL_LOG_LEVEL");
  return raw.toLowerCase() as LogLevel;
}

function envFormat(): LogFormat {
  const raw = process.env.VIAL_LOG_FORMAT;
  if (raw === undefined || raw === "" || raw === "json") return "json";
  if (raw === "pretty") return "pretty";
  throw new ConfigurationError(`VIAL_LOG_FORMAT='${raw}' is not a log format: use json or pretty.`);
}

function checkLevel(level: string, source: string): void {
  if (!LEVELS.includes(level)) {
    throw new ConfigurationError(
      `${source} '${level}' is not a log level: use one of ${LEVELS.join(", ")}.`,
    );
  }
}

/** pino-pretty as a synchronous stream: loaded only when asked for, so production never pays. */
function prettyStream(destination: NodeJS.WritableStream | undefined): NodeJS.WritableStream {
  const require = createRequire(import.meta.url);
  const pretty = require("pino-pretty") as (options: object) => NodeJS.WritableStream;
  return pretty({
    ...(destination ? { destination } : {}),
    colorize: destination === undefined && process.stdout.isTTY === true,
    sync: true,
    translateTime: "HH:MM:ss.l",
    ignore: PRETTY_IGNORE,
  });
}
