import { EventEmitter } from "node:events";
import { readFileSync, statSync } from "node:fs";
import { isAbsolute, resolve, sep } from "node:path";

interface Loaded {
  name: string;
  mtimeMs: number;
}

/**
 * Reads templates from one folder for nunjucks. Names are paths relative to the folder and can
 * never leave it. Compiled templates are cached by nunjucks; with `reload` on (development),
 * `refresh()` drops the ones whose file changed, so an edit shows on the next render.
 */
export class FolderLoader extends EventEmitter {
  /** nunjucks keeps compiled templates here. */
  cache: Record<string, unknown> = {};
  readonly root: string;
  readonly #loaded = new Map<string, Loaded>();

  constructor(folder: string) {
    super();
    this.root = resolve(folder);
  }

  /** nunjucks' loader hook: the template's source, or `null` when there is no such file. */
  getSource(name: string): { src: string; path: string; noCache: boolean } | null {
    const path = this.pathOf(name);
    if (path === undefined) return null;
    let mtimeMs: number;
    try {
      const info = statSync(path);
      if (!info.isFile()) return null;
      mtimeMs = info.mtimeMs;
    } catch {
      return null;
    }
    this.#loaded.set(path, { name, mtimeMs });
    return { src: readFileSync(path, "utf8"), path, noCache: false };
  }

  /** The file of a template name, if the name stays inside the folder. */
  pathOf(name: string): string | undefined {
    if (name.includes("\0") || isAbsolute(name)) return undefined;
    const path = resolve(this.root, name);
    return path.startsWith(this.root + sep) ? path : undefined;
  }

  /** The template name of a file this loader read. */
  nameOf(path: string): string | undefined {
    return this.#loaded.get(path)?.name;
  }

  /** Forgets the compiled templates whose files changed or disappeared since they were read. */
  refresh(): void {
    for (const [path, loaded] of this.#loaded) {
      let mtimeMs = -1;
      try {
        mtimeMs = statSync(path).mtimeMs;
      } catch {}
      if (mtimeMs !== loaded.mtimeMs) {
        this.#loaded.delete(path);
        this.emit("update", loaded.name, path);
      }
    }
  }
}
