import { type ChildProcess, spawn } from "node:child_process";
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { request } from "node:http";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

/** The repository's root: temporary projects depend on it as `vial`. */
export const ROOT = fileURLToPath(new URL("../../", import.meta.url));
const TSX = fileURLToPath(import.meta.resolve("tsx"));
const BIN = join(ROOT, "src/cli/bin.ts");

/**
 * A throwaway project folder with `files`, a package.json of type module, and `vial` linked to
 * this repository (its sources, through the `vial-src` condition the CLI is started with).
 */
export function project(files: Record<string, string>): { dir: string; remove(): void } {
  const dir = mkdtempSync(join(tmpdir(), "vial-cli-"));
  writeFileSync(join(dir, "package.json"), '{ "type": "module" }\n');
  mkdirSync(join(dir, "node_modules"));
  symlinkSync(ROOT, join(dir, "node_modules", "vial"), "dir");
  for (const [path, content] of Object.entries(files)) write(dir, path, content);
  return { dir, remove: () => rmSync(dir, { recursive: true, force: true }) };
}

export function write(dir: string, path: string, content: string): void {
  mkdirSync(dirname(join(dir, path)), { recursive: true });
  writeFileSync(join(dir, path), content);
}

/** The environment of a CLI run: not a test runner's (whose NODE_ENV=test silences logs), no colours. */
function cliEnv(extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...process.env, NO_COLOR: "1", ...extra };
  delete env.NODE_ENV;
  delete env.VIAL_ACCESS_LOG;
  delete env.VIAL_LOG_LEVEL;
  delete env.VIAL_LOG_FORMAT;
  delete env.FORCE_COLOR;
  return env;
}

/** A running `vial` command: its output so far, and ways to wait for more. */
export class Vial {
  readonly child: ChildProcess;
  stdout = "";
  stderr = "";
  readonly exited: Promise<number | null>;

  constructor(args: string[], cwd: string, env: Record<string, string> = {}) {
    this.child = spawn(process.execPath, ["--import", TSX, "--conditions=vial-src", BIN, ...args], {
      cwd,
      env: cliEnv(env),
      stdio: ["ignore", "pipe", "pipe"],
    });
    this.child.stdout!.setEncoding("utf8").on("data", (text: string) => {
      this.stdout += text;
    });
    this.child.stderr!.setEncoding("utf8").on("data", (text: string) => {
      this.stderr += text;
    });
    this.exited = new Promise((resolve) => this.child.once("exit", (code) => resolve(code)));
  }

  get output(): string {
    return this.stdout + this.stderr;
  }

  /** Resolves with the first match of `pattern` in the output (from `from` on), or fails after `ms`. */
  async waitFor(pattern: RegExp, ms = 20_000, from = 0): Promise<RegExpMatchArray> {
    const deadline = Date.now() + ms;
    for (;;) {
      const match = this.output.slice(from).match(pattern);
      if (match) return match;
      if (Date.now() > deadline || this.child.exitCode !== null) {
        throw new Error(`Timed out waiting for ${pattern}; output so far:\n${this.output}`);
      }
      await sleep(25);
    }
  }

  /** Resolves once `text` has appeared `count` times in the output (from `from` on). */
  async waitForCount(text: string, count: number, ms = 20_000, from = 0): Promise<void> {
    const deadline = Date.now() + ms;
    while (this.output.slice(from).split(text).length - 1 < count) {
      if (Date.now() > deadline || this.child.exitCode !== null) {
        throw new Error(`Timed out waiting for ${count} × ${text}; output so far:\n${this.output}`);
      }
      await sleep(25);
    }
  }

  /** Sends a signal and waits for the exit code; kills it if it does not exit in `ms`. */
  async stop(signal: NodeJS.Signals = "SIGTERM", ms = 15_000): Promise<number | null> {
    if (this.child.exitCode === null) this.child.kill(signal);
    const timer = setTimeout(() => this.child.kill("SIGKILL"), ms);
    const code = await this.exited;
    clearTimeout(timer);
    return code;
  }
}

/** Runs a command to its end. */
export async function vial(
  args: string[],
  cwd: string,
  env: Record<string, string> = {},
): Promise<{ code: number | null; stdout: string; stderr: string }> {
  const run = new Vial(args, cwd, env);
  const code = await run.exited;
  await new Promise((resolve) => setImmediate(resolve));
  return { code, stdout: run.stdout, stderr: run.stderr };
}

export interface Reply {
  status: number;
  body: string;
}

/** One GET on a connection of its own (so a cluster hands each to a worker in turn). */
export function get(url: string): Promise<Reply> {
  return new Promise((resolve, reject) => {
    request(url, { agent: false, headers: { connection: "close" } }, (res) => {
      let body = "";
      res.setEncoding("utf8");
      res.on("data", (chunk: string) => {
        body += chunk;
      });
      res.on("end", () => resolve({ status: res.statusCode ?? 0, body }));
      res.on("error", reject);
    })
      .on("error", reject)
      .end();
  });
}

/** Polls `url` until `accept` holds for a reply, or fails after `ms`. */
export async function until(
  url: string,
  accept: (reply: Reply) => boolean,
  ms = 20_000,
): Promise<Reply> {
  const deadline = Date.now() + ms;
  let last: unknown;
  for (;;) {
    try {
      const reply = await get(url);
      if (accept(reply)) return reply;
      last = reply;
    } catch (error) {
      last = error;
    }
    if (Date.now() > deadline)
      throw new Error(
        `${url} never answered as expected; last: ${JSON.stringify(last) ?? String(last)}`,
      );
    await sleep(50);
  }
}

export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
