import { type ChildProcess, fork } from "node:child_process";
import { dirname, relative } from "node:path";
import type { AppSpec } from "./discover.js";
import { complain, paint, say } from "./output.js";
import { freePort } from "./ports.js";
import {
  GO,
  isWorkerMessage,
  type LogSettings,
  SHUTDOWN,
  type WorkerConfig,
  type WorkerMessage,
  workerEnv,
  workerFile,
} from "./protocol.js";
import { childExecArgv } from "./typescript.js";
import { shortPath, watchTree } from "./watch.js";

export interface DevOptions extends LogSettings {
  app: AppSpec;
  host: string;
  /** 0 picks a free port once; every restart keeps it. */
  port: number;
  /** Folders to watch (default: the working directory). */
  watch: string[];
  debug: boolean;
}

// Changes arrive in bursts (an editor's save is several events): wait this long for quiet.
const DEBOUNCE_MS = 40;
// A worker that has not exited this long after being asked to is killed.
const KILL_AFTER_MS = 1500;

/**
 * `vial dev`: serves the app in a child process and restarts it, on the same port, when a
 * source file changes. A change that breaks the app shows the error with its file and line,
 * and the next save that fixes it brings the app back. Resolves with the exit code when
 * stopped (Ctrl+C, SIGTERM) or when the port is taken.
 */
export async function dev(options: DevOptions): Promise<number> {
  const port = options.port === 0 ? await freePort(options.host) : options.port;
  const config: WorkerConfig = {
    app: options.app,
    host: options.host,
    port,
    mode: "dev",
    debug: options.debug,
  };
  return new DevServer(config, options).run();
}

class DevServer {
  #child: ChildProcess | undefined;
  /** The next worker, framework loaded, waiting to load the app. */
  #standby: ChildProcess | undefined;
  #stopping = false;
  #first = true;
  #startedAt = 0;
  #timer: NodeJS.Timeout | undefined;
  #restarting: Promise<void> | undefined;
  #again = false;
  #done: (code: number) => void = () => {};
  #unwatch: () => void = () => {};

  constructor(
    readonly config: WorkerConfig,
    readonly options: DevOptions,
  ) {}

  run(): Promise<number> {
    const finished = new Promise<number>((resolve) => {
      this.#done = resolve;
    });
    this.#unwatch = watchTree(this.#roots(), (file) => this.#changed(file));
    const stop = () => void this.#stop(0);
    process.on("SIGINT", stop);
    process.on("SIGTERM", stop);
    this.#start();
    return finished.finally(() => {
      process.off("SIGINT", stop);
      process.off("SIGTERM", stop);
    });
  }

  /** `--watch`, else the working directory, and the app's folder when it lies outside it. */
  #roots(): string[] {
    if (this.options.watch.length) return this.options.watch;
    const cwd = process.cwd();
    const appDir = dirname(this.config.app.file);
    return relative(cwd, appDir).startsWith("..") ? [cwd, appDir] : [cwd];
  }

  #start(): void {
    this.#startedAt = performance.now();
    const child = this.#standby ?? this.#fork(false);
    if (this.#standby) child.send(GO);
    this.#standby = undefined;
    this.#child = child;
    let failed = false;
    child.on("message", (message) => {
      if (!isWorkerMessage(message)) return;
      failed ||= message.type !== "ready";
      void this.#onMessage(message);
      // Started once the active worker is done starting, so the two don't compete for the CPU.
      if (!this.#standby && !this.#stopping) this.#standby = this.#fork(true);
    });
    child.once("exit", (code, signal) => {
      if (this.#child !== child) return;
      this.#child = undefined;
      if (failed) return;
      const how = signal ? `signal ${signal}` : `code ${code}`;
      void complain(`The app stopped (${how}). Waiting for a change to restart it.`);
    });
  }

  #fork(standby: boolean): ChildProcess {
    const child = fork(workerFile(), [], {
      execArgv: childExecArgv(),
      env: workerEnv({ ...this.config, standby }, this.options),
      stdio: ["inherit", "inherit", "inherit", "ipc"],
    });
    if (standby) {
      child.once("exit", () => {
        if (this.#standby === child) this.#standby = undefined;
      });
    }
    return child;
  }

  async #onMessage(message: WorkerMessage): Promise<void> {
    if (message.type === "ready") return this.#ready(message);
    await complain(message.message);
    if (message.type === "port-in-use") return this.#stop(1);
    await say(paint("yellow", "Waiting for a change to reload (Ctrl+C to stop)..."));
  }

  async #ready(message: Extract<WorkerMessage, { type: "ready" }>): Promise<void> {
    const routes = `${message.routes} route${message.routes === 1 ? "" : "s"}`;
    if (!this.#first) {
      const ms = Math.round(performance.now() - this.#startedAt);
      await say(paint("green", `Reloaded in ${ms} ms (${routes}).`));
      return;
    }
    this.#first = false;
    const { url } = message;
    const roots = this.#roots();
    const lines = [
      "",
      `  ${paint("bold", "Vial dev server")}   ${paint("cyan", url)}   (${routes})`,
      ...(message.docs ? [`  API docs          ${url}${message.docs}`] : []),
      ...(message.redoc ? [`  ReDoc             ${url}${message.redoc}`] : []),
      `  App               ${shortPath(this.config.app.file)}${this.config.app.name ? `:${this.config.app.name}` : ""}`,
      `  Watching          ${roots.map((r) => relative(process.cwd(), r) || ".").join(", ")}  (Ctrl+C to stop)`,
      "",
    ];
    await say(lines.join("\n"));
  }

  #changed(file: string): void {
    clearTimeout(this.#timer);
    this.#timer = setTimeout(() => {
      void say(paint("dim", `Change in ${shortPath(file)}: reloading...`));
      void this.#restart();
    }, DEBOUNCE_MS);
  }

  /** Stops the worker and starts a new one; changes meanwhile cause one more restart. */
  async #restart(): Promise<void> {
    if (this.#restarting) {
      this.#again = true;
      return;
    }
    this.#restarting = (async () => {
      do {
        this.#again = false;
        await this.#stopChild();
        this.#start();
      } while (this.#again);
    })();
    await this.#restarting;
    this.#restarting = undefined;
  }

  async #stopChild(): Promise<void> {
    const child = this.#child;
    if (!child || child.exitCode !== null || child.signalCode !== null) return;
    this.#child = undefined;
    const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()));
    if (child.connected) child.send(SHUTDOWN, () => undefined);
    else child.kill("SIGTERM");
    const kill = setTimeout(() => child.kill("SIGKILL"), KILL_AFTER_MS);
    await exited;
    clearTimeout(kill);
  }

  async #stop(code: number): Promise<void> {
    this.#stopping = true;
    clearTimeout(this.#timer);
    this.#unwatch();
    this.#standby?.kill("SIGTERM");
    await this.#restarting;
    await this.#stopChild();
    this.#done(code);
  }
}
