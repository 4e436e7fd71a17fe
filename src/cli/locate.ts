import { Session } from "node:inspector/promises";
import { findSourceMap } from "node:module";
import { fileURLToPath } from "node:url";
import type { SourceLocation } from "./errors.js";

/**
 * Where each function is defined, in the original source (TypeScript lines, through tsx's
 * source maps). V8 knows every function's location; the inspector asks it, in this process.
 * Functions it cannot place are left out of the map.
 */
export async function functionLocations(
  fns: readonly ((...args: any[]) => unknown)[],
): Promise<Map<(...args: any[]) => unknown, SourceLocation>> {
  const found = new Map<(...args: any[]) => unknown, SourceLocation>();
  const session = new Session();
  try {
    session.connect();
  } catch {
    return found;
  }
  const scripts = new Map<string, string>();
  session.on("Debugger.scriptParsed", ({ params }) => scripts.set(params.scriptId, params.url));
  const holder = globalThis as { __vialLocate?: unknown };
  try {
    await session.post("Debugger.enable");
    for (const fn of new Set(fns)) {
      holder.__vialLocate = fn;
      const { result } = await session.post("Runtime.evaluate", {
        expression: "globalThis.__vialLocate",
      });
      if (!result.objectId) continue;
      const { internalProperties } = await session.post("Runtime.getProperties", {
        objectId: result.objectId,
        ownProperties: true,
      });
      const where = internalProperties?.find((p) => p.name === "[[FunctionLocation]]")?.value
        ?.value as { scriptId: string; lineNumber: number; columnNumber: number } | undefined;
      const url = where && scripts.get(where.scriptId);
      if (where && url) found.set(fn, original(url, where.lineNumber, where.columnNumber));
    }
  } catch {
    // No inspector (a node built without it, or one in use): the table shows no locations.
  } finally {
    delete holder.__vialLocate;
    session.disconnect();
  }
  return found;
}

/** The source-mapped place of a generated line and column (both from 0). */
function original(url: string, line: number, column: number): SourceLocation {
  const entry = findSourceMap(url)?.findEntry(line, column) as
    | { originalSource?: string; originalLine?: number; originalColumn?: number }
    | undefined;
  if (entry?.originalSource !== undefined && entry.originalLine !== undefined) {
    return {
      file: toPath(entry.originalSource),
      line: entry.originalLine + 1,
      column: (entry.originalColumn ?? 0) + 1,
    };
  }
  return { file: toPath(url), line: line + 1, column: column + 1 };
}

function toPath(url: string): string {
  return url.startsWith("file:") ? fileURLToPath(url) : url;
}
