import type { App } from "vial";
import { TestClient, type TestClientOptions } from "vial/testing";
import { afterEach } from "vitest";

/** The core suites run twice: in process, and against a real listening server. */
export const TRANSPORTS = ["inject", "http"] as const;
export type Transport = (typeof TRANSPORTS)[number];

/**
 * Returns a factory of test clients on `transport` that are closed after each test (the `http`
 * transport starts a real server on a free port).
 */
export function clientsFor(
  transport: Transport,
): (app: App<any>, options?: TestClientOptions) => TestClient {
  const made: TestClient[] = [];
  afterEach(async () => {
    await Promise.all(made.splice(0).map((client) => client.close()));
  });
  return (app, options) => {
    const client = new TestClient(app, { transport, ...options });
    made.push(client);
    return client;
  };
}

/** A pino-compatible logger that keeps what it is given, to assert on log lines. */
export function memoryLogger() {
  const lines: { level: string; obj: Record<string, unknown>; msg: string }[] = [];
  const log =
    (level: string) =>
    (obj: unknown, msg?: string): void => {
      if (typeof obj === "string") lines.push({ level, obj: {}, msg: obj });
      else lines.push({ level, obj: obj as Record<string, unknown>, msg: msg ?? "" });
    };
  const logger = {
    level: "info",
    lines,
    fatal: log("fatal"),
    error: log("error"),
    warn: log("warn"),
    info: log("info"),
    debug: log("debug"),
    trace: log("trace"),
    silent: () => undefined,
    child: () => logger,
  };
  return logger as unknown as import("pino").Logger & { lines: typeof lines };
}
