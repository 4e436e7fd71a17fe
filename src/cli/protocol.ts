import { fileURLToPath } from "node:url";
import type { AppSpec } from "./discover.js";

/** What a worker process is told, in the `VIAL_WORKER` environment variable (JSON). */
export interface WorkerConfig {
  app: AppSpec;
  host: string;
  port: number;
  mode: "dev" | "run";
  debug: boolean;
  /**
   * Load the framework, then wait for {@link GO} before loading the app: `vial dev` keeps such
   * a worker ready, so a reload only pays for the app's own code.
   */
  standby?: boolean;
}

/** What a worker reports to the process that started it. */
export type WorkerMessage =
  | {
      type: "ready";
      url: string;
      routes: number;
      /** Where the docs are, `null` when the app turned them off. */
      docs: string | null;
      redoc: string | null;
    }
  /** The app could not be loaded or started; `message` says where and why. */
  | { type: "failed"; message: string }
  /** The port is taken; restarting will not help. */
  | { type: "port-in-use"; message: string };

/** How the command line sets up logging in the workers. */
export interface LogSettings {
  /** `--access-log` / `--no-access-log` when given, else `undefined` (VIAL_ACCESS_LOG, else on). */
  accessLog: boolean | undefined;
  /** `--log-level`, else `undefined` (VIAL_LOG_LEVEL, else info). */
  logLevel: string | undefined;
}

/**
 * A worker's environment: this one's, with the mode's defaults for what the user did not set —
 * pretty logs and `NODE_ENV=development` in dev, JSON logs and `NODE_ENV=production` in run,
 * the access log on in both.
 */
export function workerEnv(config: WorkerConfig, log: LogSettings): NodeJS.ProcessEnv {
  const dev = config.mode === "dev";
  const env = process.env;
  return {
    ...env,
    NODE_ENV: env.NODE_ENV ?? (dev ? "development" : "production"),
    VIAL_LOG_FORMAT: env.VIAL_LOG_FORMAT ?? (dev ? "pretty" : "json"),
    VIAL_ACCESS_LOG:
      log.accessLog === undefined ? (env.VIAL_ACCESS_LOG ?? "1") : log.accessLog ? "1" : "0",
    ...(log.logLevel ? { VIAL_LOG_LEVEL: log.logLevel } : {}),
    VIAL_WORKER: JSON.stringify(config),
  };
}

/** The message that asks a worker to finish its requests and exit. */
export const SHUTDOWN = { type: "vial:shutdown" } as const;

/** The message that tells a standby worker to load the app and listen. */
export const GO = { type: "vial:go" } as const;

/** The worker's entry file, next to this one (`.ts` from the sources, `.js` once built). */
export function workerFile(): string {
  const ext = import.meta.url.endsWith(".ts") ? ".ts" : ".js";
  return fileURLToPath(new URL(`./worker${ext}`, import.meta.url));
}

export function isWorkerMessage(value: unknown): value is WorkerMessage {
  const type = (value as { type?: unknown } | null)?.type;
  return type === "ready" || type === "failed" || type === "port-in-use";
}
