import { writeFileSync } from "node:fs";
import { availableParallelism } from "node:os";
import { resolve } from "node:path";
import { Command, CommanderError, InvalidArgumentError, Option } from "commander";
import type { App } from "../app.js";
import { dev } from "./dev.js";
import { type AppSpec, loadApp, resolveAppSpec } from "./discover.js";
import { CliError, describeError } from "./errors.js";
import { createProject, ownPackage, TEMPLATES, type TemplateName } from "./new.js";
import { openapiDocument } from "./openapi.js";
import { complain, paint, say } from "./output.js";
import { formatRouteTable, routeTable } from "./routes.js";
import { run } from "./run.js";
import { enableTypeScript } from "./typescript.js";

const LEVELS = ["fatal", "error", "warn", "info", "debug", "trace", "silent"];

interface AppFlags {
  app?: string;
  debug?: boolean;
}

interface ServeFlags extends AppFlags {
  host: string;
  port: number;
  accessLog?: boolean;
  logLevel?: string;
}

/**
 * The `vial` command line. Resolves with the exit code: 0 done, 1 failed (one message, the
 * stack only with `--debug`), 2 misused (unknown command or flag; the help is shown).
 *
 * @example
 * process.exit(await main(["routes", "src/app.ts"]));
 */
export async function main(argv: string[]): Promise<number> {
  let code = 0;
  const program = buildProgram((result) => {
    code = result;
  });
  try {
    await program.parseAsync(argv, { from: "user" });
  } catch (error) {
    if (error instanceof CommanderError) {
      return error.code === "commander.helpDisplayed" || error.code === "commander.version" ? 0 : 2;
    }
    await complain(describeError(error, { debug: argv.includes("--debug") }));
    return error instanceof CliError ? error.exitCode : 1;
  }
  return code;
}

type Done = (code: number) => void;

function buildProgram(done: Done): Command {
  const program = new Command("vial")
    .description("Run, inspect and create Vial apps.")
    .version(ownPackage().version, "-v, --version")
    .exitOverride()
    .showHelpAfterError()
    .configureHelp({ showGlobalOptions: true });
  addDev(program, done);
  addRun(program, done);
  addRoutes(program);
  addOpenapi(program);
  addNew(program);
  return program;
}

function addDev(program: Command, done: Done): void {
  const command = serveCommand(program, "dev", "127.0.0.1")
    .description("Serve the app for development: reloads on change, pretty logs.")
    .option("--port <port>", "the port (0: any free one, kept across reloads)", parsePort, 8000)
    .option("--watch <dir...>", "folders to watch (default: the working directory)");
  withLogging(command).action(
    async (file: string | undefined, flags: ServeFlags & { watch?: string[] }) => {
      const app = resolveAppSpec(process.cwd(), file, flags.app);
      const watch = (flags.watch ?? []).map((dir) => resolve(dir));
      done(await dev({ ...serveOptions(app, flags), watch }));
    },
  );
}

function addRun(program: Command, done: Done): void {
  const command = serveCommand(program, "run", "0.0.0.0")
    .description("Serve the app for production: several workers, JSON logs, graceful restarts.")
    .addOption(
      new Option("--port <port>", "the port")
        .argParser(parsePort)
        .default(defaultPort(), "$PORT, else 8000"),
    )
    .option("--workers <n>", "worker processes, or 'auto' for one per CPU", parseWorkers, 1)
    .option("--graceful-timeout <s>", "seconds a stopping worker may take", parseSeconds, 30);
  withLogging(command).action(async (file: string | undefined, flags: ServeFlags & RunFlags) => {
    const app = resolveAppSpec(process.cwd(), file, flags.app);
    const gracefulTimeout = flags.gracefulTimeout * 1000;
    done(await run({ ...serveOptions(app, flags), workers: flags.workers, gracefulTimeout }));
  });
}

/** What `dev` and `run` share: the app, the host, logging flags, --debug. */
function serveCommand(program: Command, name: string, host: string): Command {
  return program
    .command(name)
    .argument("[file]", "the app file (default: app.ts, main.ts, src/app.ts, src/main.ts, or .js)")
    .addOption(appOption())
    .option("--host <host>", "the address to listen on", host);
}

/** The logging flags and --debug of `dev` and `run`, after their own. */
function withLogging(command: Command): Command {
  return command
    .addOption(new Option("--access-log", "log every request (default)"))
    .option("--no-access-log", "do not log every request")
    .addOption(logLevelOption())
    .option("--debug", "show stack traces");
}

function addRoutes(program: Command): void {
  program
    .command("routes")
    .description("Print the route table: method, path, name, handler location, dependencies.")
    .argument("[file]", "the app file (found as for `vial dev` when left out)")
    .addOption(appOption())
    .option("--json", "print JSON instead of a table")
    .option("--debug", "show stack traces")
    .action(async (file: string | undefined, flags: AppFlags & { json?: boolean }) => {
      const app = await loadInProcess(resolveAppSpec(process.cwd(), file, flags.app), flags);
      const rows = await routeTable(app);
      await say(flags.json ? JSON.stringify(rows, null, 2) : formatRouteTable(rows));
    });
}

function addOpenapi(program: Command): void {
  program
    .command("openapi")
    .description("Print the app's OpenAPI document, or write it to a file.")
    .argument("[file]", "the app file (found as for `vial dev` when left out)")
    .addOption(appOption())
    .option("--out <path>", "write the document to this file instead of printing it")
    .option("--debug", "show stack traces")
    .action(async (file: string | undefined, flags: AppFlags & { out?: string }) => {
      const app = await loadInProcess(resolveAppSpec(process.cwd(), file, flags.app), flags);
      const text = `${JSON.stringify(await openapiDocument(app), null, 2)}\n`;
      if (!flags.out) return void (await say(text.trimEnd()));
      writeFileSync(flags.out, text);
      await say(`Wrote the OpenAPI document to ${flags.out}`);
    });
}

function addNew(program: Command): void {
  program
    .command("new")
    .description("Create a project that installs, runs and passes its tests.")
    .argument("<name>", "the project's folder and package name")
    .addOption(
      new Option("--template <template>", "what to start from")
        .choices(Object.keys(TEMPLATES))
        .default("api"),
    )
    .option(
      "--vial <spec>",
      "the vial dependency to write, e.g. file:../vial (default: this version)",
    )
    .option("--debug", "show stack traces")
    .action(async (name: string, flags: { template: TemplateName; vial?: string }) => {
      const { files } = createProject(name, flags);
      await say(newProjectMessage(name, flags.template, files));
    });
}

interface RunFlags {
  workers: number;
  gracefulTimeout: number;
}

function serveOptions(app: AppSpec, flags: ServeFlags) {
  return {
    app,
    host: flags.host,
    port: flags.port,
    debug: flags.debug === true,
    accessLog: flags.accessLog,
    logLevel: flags.logLevel,
  };
}

function appOption(): Option {
  return new Option("--app <module:name>", "the app to serve: file:export, or just the export");
}

function logLevelOption(): Option {
  return new Option(
    "--log-level <level>",
    "the log level (default: $VIAL_LOG_LEVEL, else info)",
  ).choices(LEVELS);
}

/** Loads the app in this process (routes, openapi), errors shown with their file and line. */
async function loadInProcess(spec: AppSpec, flags: AppFlags): Promise<App<any>> {
  await enableTypeScript();
  try {
    return await loadApp(spec);
  } catch (error) {
    throw new CliError(describeError(error, { entry: spec.file, debug: flags.debug === true }));
  }
}

function parsePort(value: string): number {
  const port = Number(value);
  if (!/^\d+$/.test(value) || port > 65535) {
    throw new InvalidArgumentError("Use a port number from 0 to 65535.");
  }
  return port;
}

function parseWorkers(value: string): number {
  if (value === "auto") return availableParallelism();
  if (!/^\d+$/.test(value) || Number(value) < 1) {
    throw new InvalidArgumentError("Use a number of workers (1 or more), or 'auto'.");
  }
  return Number(value);
}

function parseSeconds(value: string): number {
  const seconds = Number(value);
  if (!(seconds > 0)) throw new InvalidArgumentError("Use a number of seconds above 0.");
  return seconds;
}

function defaultPort(): number {
  const env = process.env.PORT;
  return env && /^\d+$/.test(env) && Number(env) <= 65535 ? Number(env) : 8000;
}

function newProjectMessage(name: string, template: string, files: string[]): string {
  return [
    `${paint("green", "Created")} ${name} (${template} template): ${files.join(", ")}`,
    "",
    "Next:",
    `  cd ${name}`,
    "  npm install",
    "  npm run dev     # http://127.0.0.1:8000, API docs at /docs",
    "  npm test",
  ].join("\n");
}
