/**
 * A process serving the app, started by `vial dev` (one, restarted on change) or `vial run`
 * (a cluster worker). It loads the app, listens, reports to its parent, and on SIGTERM, SIGINT
 * or a shutdown message finishes its requests and exits.
 */
import type { Server } from "node:http";
import type { App } from "../app.js";
import { serverUrl } from "../server.js";
import { loadApp } from "./discover.js";
import { describeError } from "./errors.js";
import { suggestPort } from "./ports.js";
import { GO, SHUTDOWN, type WorkerConfig, type WorkerMessage } from "./protocol.js";
import { shortPath } from "./watch.js";

// How long a dev worker lets in-flight requests finish before cutting them: a reload must be quick.
const DEV_GRACE_MS = 200;

function report(message: WorkerMessage): Promise<void> {
  return new Promise((resolve) => {
    if (!process.send) {
      if (message.type !== "ready") process.stderr.write(`${message.message}\n`);
      return resolve();
    }
    process.send(message, undefined, {}, () => resolve());
  });
}

async function fail(message: WorkerMessage): Promise<never> {
  await report(message);
  process.exit(1);
}

async function start(config: WorkerConfig): Promise<void> {
  const describe = (error: unknown) =>
    describeError(error, { entry: config.app.file, debug: config.debug });
  let app: App<any>;
  const serversBefore = tcpServers();
  try {
    app = await loadApp(config.app);
  } catch (error) {
    return fail({ type: "failed", message: describe(error) });
  }
  let server: Server;
  try {
    // The worker handles SIGTERM and SIGINT itself (below), so listen() must not.
    server = await app.listen({ port: config.port, host: config.host, signals: false });
  } catch (error) {
    await app.shutdown().catch(() => undefined);
    const code = (error as NodeJS.ErrnoException).code;
    if (code === "EADDRINUSE" && tcpServers() > serversBefore) return fail(listensItself(config));
    if (code === "EADDRINUSE") return fail(await portInUse(config));
    if (code === "EACCES") {
      const message = `Port ${config.port} needs administrator rights. Use a port above 1023, e.g. --port 8000.`;
      return fail({ type: "port-in-use", message });
    }
    return fail({ type: "failed", message: describe(error) });
  }
  const urls = app as unknown as { docsUrl?: string | null; redocUrl?: string | null };
  await report({
    type: "ready",
    url: serverUrl(server),
    routes: app.routes.length,
    docs: urls.docsUrl === undefined ? "/docs" : urls.docsUrl,
    redoc: urls.redocUrl === undefined ? "/redoc" : urls.redocUrl,
  });
  let stopping = false;
  const stop = () => {
    if (stopping) return;
    stopping = true;
    shutdown(app, server, config.mode).then(
      () => process.exit(0),
      (error) => {
        app.logger.error({ err: error }, "Shutdown failed");
        process.exit(1);
      },
    );
  };
  process.on("SIGTERM", stop);
  process.on("SIGINT", stop);
  process.on("disconnect", stop);
  process.on("message", (message) => {
    if ((message as { type?: string } | null)?.type === SHUTDOWN.type) stop();
  });
}

/** Listening TCP servers in this process: an app module that calls listen() adds one. */
function tcpServers(): number {
  return process.getActiveResourcesInfo().filter((name) => name === "TCPServerWrap").length;
}

function listensItself(config: WorkerConfig): WorkerMessage {
  const file = shortPath(config.app.file);
  return {
    type: "port-in-use",
    message:
      `Port ${config.port} is taken by the app itself: ${file} starts a server when imported ` +
      "(app.listen()). Point vial at a module that exports the app without listening: vial starts the server.",
  };
}

async function portInUse(config: WorkerConfig): Promise<WorkerMessage> {
  const free = await suggestPort(config.host, config.port);
  return {
    type: "port-in-use",
    message:
      `Port ${config.port} on ${config.host} is already in use (another server is running there?). ` +
      `Stop it, or use a free port: --port ${free}`,
  };
}

/** Stops accepting, lets accepted requests finish (quickly in dev), then the lifespan's tear-down. */
async function shutdown(app: App<any>, server: Server, mode: WorkerConfig["mode"]): Promise<void> {
  if (mode === "dev") setTimeout(() => server.closeAllConnections(), DEV_GRACE_MS).unref();
  await app.close();
}

/**
 * Loads the framework ahead of the app (the app's `import "vial"` then finds it loaded), and in
 * standby waits for the word to go.
 */
async function warmUp(config: WorkerConfig): Promise<void> {
  await import("../index.js");
  if (process.env.VIAL_LOG_FORMAT === "pretty") await import("pino-pretty");
  if (!config.standby) return;
  // A standby whose parent is gone has nothing to wait for.
  const orphaned = () => process.exit(0);
  process.once("disconnect", orphaned);
  await new Promise<void>((resolve) => {
    const onMessage = (message: unknown) => {
      if ((message as { type?: string } | null)?.type !== GO.type) return;
      process.off("message", onMessage);
      process.off("disconnect", orphaned);
      resolve();
    };
    process.on("message", onMessage);
  });
}

const raw = process.env.VIAL_WORKER;
if (!raw) {
  process.stderr.write("This file is started by `vial dev` and `vial run`, not directly.\n");
  process.exit(2);
}
delete process.env.VIAL_WORKER;
const config = JSON.parse(raw) as WorkerConfig;
await warmUp(config);
await start(config);
