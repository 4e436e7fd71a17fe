// The servers under test and how each is started. Every command reads its port from $PORT.
import { existsSync } from "node:fs";
import { join } from "node:path";

export interface Target {
  name: string;
  /** Node targets are compared with their peers in the smoke test too. */
  kind: "node" | "python";
  command: string;
  args: (port: number) => string[];
  /** Why the target cannot run here, or undefined when it can. */
  missing?: string;
}

export const NODE_TARGETS = ["vial", "node-http", "fastify", "hono", "express"] as const;

/** A Node target: its compiled JavaScript, run as is. */
function nodeTarget(dist: string, name: string): Target {
  return { name, kind: "node", command: process.execPath, args: () => [join(dist, `${name}.js`)] };
}

function uvicorn(name: string, python: string, dir: string): Target {
  return {
    name,
    kind: "python",
    command: python,
    // One process (no --workers), uvloop + httptools, no access log: uvicorn's fastest setup.
    args: (port) => [
      ...["-m", "uvicorn", "fastapi_app:app", "--app-dir", dir, "--host", "127.0.0.1"],
      ...["--port", String(port), "--loop", "uvloop", "--http", "httptools"],
      ...["--no-access-log", "--log-level", "warning"],
    ],
    missing: existsSync(python) ? undefined : `${python} not found`,
  };
}

function gunicorn(name: string, python: string, dir: string): Target {
  return {
    name,
    kind: "python",
    command: python,
    // One sync worker, gunicorn's default worker class; no access log unless asked for.
    args: (port) => [
      ...["-m", "gunicorn", "--workers", "1", "--worker-class", "sync", "--chdir", dir],
      ...["--bind", `127.0.0.1:${port}`, "--log-level", "warning", "flask_app:app"],
    ],
    missing: existsSync(python) ? undefined : `${python} not found`,
  };
}

/**
 * All targets. `benchDir` is the bench/ folder; Node targets run from `bench/dist/targets`.
 * FastAPI and Flask come twice: the current releases in bench/.venv and Debian's packaged ones.
 */
export function allTargets(benchDir: string): Target[] {
  const dist = join(benchDir, "dist", "targets");
  const py = join(benchDir, "targets");
  const venv = join(benchDir, ".venv", "bin", "python");
  return [
    ...NODE_TARGETS.map((name) => nodeTarget(dist, name)),
    uvicorn("fastapi", venv, py),
    uvicorn("fastapi-debian", "/usr/bin/python3", py),
    gunicorn("flask", venv, py),
    gunicorn("flask-debian", "/usr/bin/python3", py),
  ];
}
