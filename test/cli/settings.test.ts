import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { inspect } from "node:util";
import { SettingsError, settings, z } from "vial";
import { afterAll, describe, expect, test } from "vitest";

const dir = mkdtempSync(join(tmpdir(), "vial-settings-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function envFile(name: string, text: string): string {
  const path = join(dir, name);
  writeFileSync(path, text);
  return path;
}

const Config = z.object({
  databaseUrl: z.string(),
  port: z.int().default(8000),
  debug: z.boolean().default(false),
  hosts: z.array(z.string()).default([]),
  sessionKey: z.string().min(16).meta({ secret: true }),
});

function failure(fn: () => unknown): SettingsError {
  try {
    fn();
  } catch (error) {
    expect(error).toBeInstanceOf(SettingsError);
    return error as SettingsError;
  }
  throw new Error("expected a SettingsError");
}

describe("settings()", () => {
  test("reads, converts and validates variables named after the fields", () => {
    const config = settings(Config, {
      envFile: false,
      env: {
        DATABASE_URL: "postgres://db/app",
        PORT: "9000",
        DEBUG: "true",
        HOSTS: '["a.example", "b.example"]',
        SESSION_KEY: "0123456789abcdef-session",
      },
    });
    expect(config).toEqual({
      databaseUrl: "postgres://db/app",
      port: 9000,
      debug: true,
      hosts: ["a.example", "b.example"],
      sessionKey: "0123456789abcdef-session",
    });
  });

  test("defaults apply to what is not set; the object is frozen", () => {
    const config = settings(Config, {
      envFile: false,
      env: { DATABASE_URL: "sqlite://x", SESSION_KEY: "k".repeat(16) },
    });
    expect(config.port).toBe(8000);
    expect(config.debug).toBe(false);
    expect(Object.isFrozen(config)).toBe(true);
  });

  test("a prefix is put before every name; names match case-insensitively", () => {
    const config = settings(
      { port: z.int(), apiUrl: z.url() },
      { prefix: "APP_", envFile: false, env: { APP_PORT: "81", app_api_url: "https://x.dev" } },
    );
    expect(config).toEqual({ port: 81, apiUrl: "https://x.dev" });
  });

  test("the .env file fills in what the environment lacks; the environment wins", () => {
    const file = envFile(
      "basic.env",
      "# comment\nDATABASE_URL=sqlite://from-file\nPORT=7000\nSESSION_KEY='quoted value over 16'\n",
    );
    const config = settings(Config, { envFile: file, env: { PORT: "7001" } });
    expect(config.databaseUrl).toBe("sqlite://from-file");
    expect(config.port).toBe(7001);
    expect(config.sessionKey).toBe("quoted value over 16");
  });

  test("a missing env file is not an error (it is optional, as in pydantic-settings)", () => {
    const config = settings(
      { port: z.int().default(1) },
      { envFile: join(dir, "nope.env"), env: {} },
    );
    expect(config.port).toBe(1);
  });

  test("every missing or invalid variable is listed at once, with how to fix it", () => {
    const error = failure(() =>
      settings(Config, {
        prefix: "APP_",
        envFile: ".env.test-absent",
        env: { APP_PORT: "eighty", APP_DEBUG: "perhaps", APP_HOSTS: "[1]" },
      }),
    );
    expect(error.problems.map((p) => p.variable)).toEqual([
      "APP_DATABASE_URL",
      "APP_PORT",
      "APP_DEBUG",
      "APP_HOSTS",
      "APP_SESSION_KEY",
    ]);
    expect(error.message).toBe(
      [
        "Settings are not valid: 5 variables to fix (read from the environment and .env.test-absent).",
        "  APP_DATABASE_URL: missing: set it in the environment or in .env.test-absent.",
        "  APP_PORT: Input should be a valid integer, unable to parse string as an integer (got 'eighty')",
        "  APP_DEBUG: Input should be a valid boolean, unable to interpret input (got 'perhaps')",
        "  APP_HOSTS: Input should be a valid string (at 0) (got 1)",
        "  APP_SESSION_KEY: missing: set it in the environment or in .env.test-absent.",
      ].join("\n"),
    );
  });

  test("a set variable that no field reads is pointed out as a likely typo", () => {
    const error = failure(() =>
      settings(
        { databaseUrl: z.string() },
        { prefix: "APP_", envFile: false, env: { APP_DATABSE_URL: "x" } },
      ),
    );
    expect(error.message).toContain("Set but not read (a typo?): APP_DATABSE_URL");
  });

  test("secret values never appear in errors", () => {
    const error = failure(() =>
      settings(
        { sessionKey: z.string().min(16).meta({ secret: true }), dbPassword: z.string().min(12) },
        { envFile: false, env: { SESSION_KEY: "hunter2", DB_PASSWORD: "swordfish" } },
      ),
    );
    expect(error.message).toContain(
      "SESSION_KEY: String should have at least 16 characters (value hidden: secret)",
    );
    expect(error.message).toContain(
      "DB_PASSWORD: String should have at least 12 characters (value hidden: secret)",
    );
    const everything = `${error.message}${inspect(error)}${JSON.stringify(error.problems)}`;
    expect(everything).not.toContain("hunter2");
    expect(everything).not.toContain("swordfish");
  });

  test("secrets print as ********** but read as their value", () => {
    const config = settings(
      {
        apiToken: z.string(),
        sessionKey: z.string().meta({ secret: true }),
        region: z.string(),
        tokenCount: z.int().meta({ secret: false }),
      },
      {
        envFile: false,
        env: { API_TOKEN: "tok-123", SESSION_KEY: "sk-456", REGION: "eu", TOKEN_COUNT: "3" },
      },
    );
    expect(config.apiToken).toBe("tok-123");
    expect(config.sessionKey).toBe("sk-456");
    const printed = `${inspect(config)} ${JSON.stringify(config)}`;
    expect(printed).not.toContain("tok-123");
    expect(printed).not.toContain("sk-456");
    expect(JSON.parse(JSON.stringify(config))).toEqual({
      apiToken: "**********",
      sessionKey: "**********",
      region: "eu",
      tokenCount: 3,
    });
  });

  test("a schema that is not an object is refused with an example", () => {
    expect(() => settings(z.string() as never, { env: {} })).toThrow(
      "settings() takes an object schema, e.g. z.object({ port: z.int().default(8000) })",
    );
  });

  test("reads process.env and ./.env by default", () => {
    process.env.VIAL_SETTINGS_TEST_PORT = "4321";
    try {
      const config = settings({ port: z.int() }, { prefix: "VIAL_SETTINGS_TEST_" });
      expect(config.port).toBe(4321);
    } finally {
      delete process.env.VIAL_SETTINGS_TEST_PORT;
    }
  });
});
