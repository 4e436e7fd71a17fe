import { type Logger, pino } from "pino";

export type { Logger };

/**
 * The app's logger when none is given: pino at `VIAL_LOG_LEVEL` (default `info`; `silent` under
 * a test runner, where `NODE_ENV=test`, so tests stay quiet unless they pass their own).
 */
export function defaultLogger(): Logger {
  const level = process.env.VIAL_LOG_LEVEL ?? (process.env.NODE_ENV === "test" ? "silent" : "info");
  return pino({ name: "vial", level });
}
