import cluster, { type Worker } from "node:cluster";
import { createLogger, type LogFormat, type Logger, type LogLevel } from "../logger.js";
import type { AppSpec } from "./discover.js";
import { CliError } from "./errors.js";
import { freePort } from "./ports.js";
import {
  isWorkerMessage,
  type LogSettings,
  SHUTDOWN,
  type WorkerConfig,
  type WorkerMessage,
  workerEnv,
  workerFile,
} from "./protocol.js";
import { childExecArgv } from "./typescript.js";

export interface RunOptions extends LogSettings {
  app: AppSpec;
  host: string;
  port: number;
  workers: number;
  debug: boolean;
  /**
   * How long a stopping worker may take before it is killed, in ms. The app's own
   * `shutdownTimeout` (10 s by default) normally ends its shutdown well before.
   */
  gracefulTimeout: number;
}

type Outcome =
  | { ok: true }
  | { ok: false; message: WorkerMessage & { type: "failed" | "port-in-use" } };

const MAX_BACKOFF_MS = 30_000;

/**
 * `vial run`: serves the app from `workers` processes (node:cluster) sharing one port. A worker
 * that dies is replaced; SIGTERM (or Ctrl+C) stops accepting connections and lets every worker
 * finish the requests it accepted; SIGHUP replaces the workers one by one, with new code, while
 * the others keep serving. Resolves with the exit code.
 */
export async function run(options: RunOptions): Promise<number> {
  const config: WorkerConfig = {
    app: options.app,
    host: options.host,
    // Port 0 is chosen once here, so every worker, and every replacement, shares it.
    port: options.port === 0 ? await freePort(options.host) : options.port,
    mode: "run",
    debug: options.debug,
  };
  cluster.setupPrimary({ exec: workerFile(), execArgv: childExecArgv(), silent: false });
  return new Primary(config, options).run();
}

class Primary {
  readonly #log: Logger;
  readonly #env: NodeJS.ProcessEnv;
  readonly #retiring = new Set<Worker>();
  #stopping = false;
  #failures = 0;
  #reloading: Promise<void> | undefined;
  #done: (code: number) => void = () => {};

  constructor(
    readonly config: WorkerConfig,
    readonly options: RunOptions,
  ) {
    this.#env = workerEnv(config, options);
    this.#log = createLogger({
      level: (this.#env.VIAL_LOG_LEVEL || "info") as LogLevel,
      format: this.#env.VIAL_LOG_FORMAT as LogFormat,
    });
  }

  async run(): Promise<number> {
    const finished = new Promise<number>((resolve) => {
      this.#done = resolve;
    });
    const workers = Array.from({ length: this.options.workers }, () => this.#fork());
    const outcomes = await Promise.all(workers.map(whenStarted));
    const failure = outcomes.find((o) => !o.ok);
    if (failure && !failure.ok) {
      await this.#stopAll();
      throw new CliError(failure.message.message);
    }
    const stop = () => void this.#shutdown();
    const reload = () => void this.#reload();
    process.on("SIGTERM", stop);
    process.on("SIGINT", stop);
    process.on("SIGHUP", reload);
    cluster.on("exit", (worker, code, signal) => this.#exited(worker, code, signal));
    this.#log.info(
      {
        workers: workers.map((w) => w.process.pid),
        host: this.config.host,
        port: this.config.port,
      },
      `Serving with ${workers.length} worker${workers.length === 1 ? "" : "s"}; SIGHUP reloads, SIGTERM stops`,
    );
    return finished.finally(() => {
      process.off("SIGTERM", stop);
      process.off("SIGINT", stop);
      process.off("SIGHUP", reload);
    });
  }

  #fork(): Worker {
    return cluster.fork(this.#env);
  }

  #exited(worker: Worker, code: number | null, signal: string | null): void {
    if (this.#retiring.delete(worker) || this.#stopping) {
      if (this.#stopping && live().length === 0) this.#done(0);
      return;
    }
    const how = signal ? `signal ${signal}` : `code ${code}`;
    const delay = Math.min(MAX_BACKOFF_MS, 2 ** this.#failures * 250);
    this.#log.error(
      { pid: worker.process.pid, code, signal },
      `Worker ${worker.process.pid} exited (${how}); starting a new one${this.#failures ? ` in ${delay} ms` : ""}`,
    );
    setTimeout(() => this.#replace(), this.#failures ? delay : 0).unref();
  }

  async #replace(): Promise<void> {
    if (this.#stopping) return;
    const outcome = await whenStarted(this.#fork());
    if (outcome.ok) this.#failures = 0;
    else {
      this.#failures++;
      this.#log.error(`A new worker failed to start:\n${outcome.message.message}`);
    }
  }

  /** SIGHUP: a new worker starts, then an old one stops, one at a time. */
  #reload(): Promise<void> {
    this.#reloading ??= (async () => {
      const old = live();
      this.#log.info({ workers: old.map((w) => w.process.pid) }, "Reloading the workers");
      for (const worker of old) {
        if (this.#stopping) break;
        const outcome = await whenStarted(this.#fork());
        if (!outcome.ok) {
          this.#log.error(
            `Reload stopped, the running workers keep serving: a new worker failed to start:\n${outcome.message.message}`,
          );
          break;
        }
        this.#retiring.add(worker);
        await stopWorker(worker, this.options.gracefulTimeout);
      }
      this.#log.info({ workers: live().map((w) => w.process.pid) }, "Reloaded");
    })().finally(() => {
      this.#reloading = undefined;
    });
    return this.#reloading;
  }

  async #shutdown(): Promise<void> {
    if (this.#stopping) return;
    this.#stopping = true;
    this.#log.info("Shutting down: finishing the requests in progress");
    await this.#stopAll();
    this.#log.info("Stopped");
    this.#done(0);
  }

  async #stopAll(): Promise<void> {
    this.#stopping = true;
    await Promise.all(live().map((w) => stopWorker(w, this.options.gracefulTimeout)));
  }
}

function live(): Worker[] {
  return Object.values(cluster.workers ?? {}).filter(
    (w): w is Worker => w !== undefined && !w.isDead(),
  );
}

/** Resolves once the worker listens, or with its failure message (it then exits). */
function whenStarted(worker: Worker): Promise<Outcome> {
  return new Promise((resolve) => {
    const onMessage = (message: unknown) => {
      if (!isWorkerMessage(message)) return;
      worker.off("message", onMessage);
      worker.off("exit", onExit);
      resolve(message.type === "ready" ? { ok: true } : { ok: false, message });
    };
    const onExit = (code: number | null, signal: string | null) => {
      worker.off("message", onMessage);
      const message = `The worker exited before it started (${signal ? `signal ${signal}` : `code ${code}`}).`;
      resolve({ ok: false, message: { type: "failed", message } });
    };
    worker.on("message", onMessage);
    worker.once("exit", onExit);
  });
}

/** Asks a worker to finish its requests and exit; kills it if it is still there after the timeout. */
function stopWorker(worker: Worker, timeoutMs: number): Promise<void> {
  if (worker.isDead()) return Promise.resolve();
  return new Promise((resolve) => {
    const kill = setTimeout(() => worker.process.kill("SIGKILL"), timeoutMs);
    worker.once("exit", () => {
      clearTimeout(kill);
      resolve();
    });
    if (worker.isConnected()) worker.send(SHUTDOWN, undefined, () => undefined);
    else worker.process.kill("SIGTERM");
  });
}
