import { type FSWatcher, readdirSync, statSync, watch } from "node:fs";
import { basename, extname, join, relative, sep } from "node:path";

/** Files whose change reloads the app: code, JSON, and `.env` files. */
const EXTENSIONS = new Set([".ts", ".tsx", ".mts", ".cts", ".js", ".jsx", ".mjs", ".cjs", ".json"]);

/** Folders never watched: dependencies, build output, version control, caches. */
const IGNORED_DIRS = new Set(["node_modules", "dist", "build", "coverage"]);

/** Whether a change to `file` should reload the app. */
export function watched(file: string): boolean {
  const name = basename(file);
  if (name === ".env" || name.startsWith(".env.")) return true;
  return EXTENSIONS.has(extname(name)) && !name.startsWith(".") && !name.endsWith("~");
}

function ignoredDir(name: string): boolean {
  return IGNORED_DIRS.has(name) || name.startsWith(".");
}

/**
 * Watches the source files under `roots` and calls `onChange` with the path of each change.
 * macOS and Windows watch whole trees natively; on Linux every folder gets its own watcher
 * (node's recursive mode there would also walk node_modules), and new folders are picked up.
 * Returns a function that stops watching.
 */
export function watchTree(roots: string[], onChange: (file: string) => void): () => void {
  const watchers = new Map<string, FSWatcher>();
  const notify = (dir: string, name: string | null) => {
    if (!name) return;
    const file = join(dir, name);
    if (watched(file)) onChange(file);
  };
  const native = process.platform === "darwin" || process.platform === "win32";
  const add = (dir: string) => {
    if (watchers.has(dir)) return;
    try {
      const watcher = watch(dir, { recursive: native }, (_event, name) => {
        const path = name ? String(name) : null;
        if (native && path?.split(sep).slice(0, -1).some(ignoredDir)) return;
        if (!native && path) addIfDir(join(dir, path));
        notify(dir, path);
      });
      watcher.on("error", () => {
        watcher.close();
        watchers.delete(dir);
      });
      watchers.set(dir, watcher);
    } catch {
      return;
    }
    if (!native) for (const child of subdirectories(dir)) add(child);
  };
  const addIfDir = (path: string) => {
    if (ignoredDir(basename(path))) return;
    try {
      if (statSync(path).isDirectory()) add(path);
    } catch {
      // Deleted again before it could be watched.
    }
  };
  for (const root of roots) add(root);
  return () => {
    for (const watcher of watchers.values()) watcher.close();
    watchers.clear();
  };
}

function subdirectories(dir: string): string[] {
  try {
    return readdirSync(dir, { withFileTypes: true })
      .filter((entry) => entry.isDirectory() && !ignoredDir(entry.name))
      .map((entry) => join(dir, entry.name));
  } catch {
    return [];
  }
}

/** `src/app.ts`, relative to the working directory, for messages. */
export function shortPath(file: string): string {
  return relative(process.cwd(), file) || file;
}
