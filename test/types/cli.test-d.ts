import { App, createLogger, type Logger, type LogLevel, settings, z } from "vial";
import { describe, expectTypeOf, test } from "vitest";

describe("settings() types", () => {
  test("a Zod object gives its output type, read-only", () => {
    const config = settings(
      z.object({ port: z.int().default(8000), url: z.string(), debug: z.boolean().optional() }),
      { env: {} },
    );
    expectTypeOf(config).toEqualTypeOf<
      Readonly<{ port: number; url: string; debug?: boolean | undefined }>
    >();
    // @ts-expect-error settings are read-only
    config.port = 1;
  });

  test("a record of field schemas works the same", () => {
    const config = settings({ hosts: z.array(z.string()), port: z.int() }, { env: {} });
    expectTypeOf(config.hosts).toEqualTypeOf<string[]>();
    expectTypeOf(config.port).toEqualTypeOf<number>();
  });

  test("options are checked", () => {
    // @ts-expect-error envFile is a path or false
    settings({ port: z.int() }, { envFile: true });
    settings({ port: z.int() }, { envFile: false, prefix: "APP_" });
  });
});

describe("logging options", () => {
  test("logLevel takes pino's levels only; accessLog a boolean", () => {
    new App({ logLevel: "debug", accessLog: true });
    // @ts-expect-error not a level
    new App({ logLevel: "verbose" });
    expectTypeOf<LogLevel>().toEqualTypeOf<
      "fatal" | "error" | "warn" | "info" | "debug" | "trace" | "silent"
    >();
    expectTypeOf(createLogger({ format: "pretty" })).toEqualTypeOf<Logger>();
  });
});
