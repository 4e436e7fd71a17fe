import type { Stats } from "node:fs";
import { realpath, stat } from "node:fs/promises";
import { resolve, sep } from "node:path";

/** A file found under a static root: its real path and stats. */
export interface FoundFile {
  path: string;
  stats: Stats;
}

// Encoded `/`, `\` and NUL are refused before decoding: no name on disk needs them.
const ENCODED_SEPARATOR = /%(2f|5c|00)/i;

/**
 * The file a request path names under `root` (a real path), or `undefined`: every way out of
 * the root is refused — `..` and `.` segments (also percent-encoded), encoded slashes,
 * backslashes, absolute paths, NUL bytes, and symlinks whose target is outside the root.
 * Hidden files (a segment starting with `.`) are not served either.
 */
export async function findStaticFile(
  root: string,
  rawPath: string,
): Promise<FoundFile | undefined> {
  if (rawPath === "" || ENCODED_SEPARATOR.test(rawPath)) return undefined;
  const segments: string[] = [];
  for (const raw of rawPath.split("/")) {
    let segment: string;
    try {
      segment = decodeURIComponent(raw);
    } catch {
      return undefined;
    }
    if (segment === "" || segment.startsWith(".") || /[\\\0]/.test(segment)) return undefined;
    segments.push(segment);
  }
  const candidate = resolve(root, ...segments);
  if (!candidate.startsWith(root + sep)) return undefined;
  try {
    const real = await realpath(candidate);
    if (!real.startsWith(root + sep)) return undefined;
    const stats = await stat(real);
    return stats.isFile() ? { path: real, stats } : undefined;
  } catch {
    return undefined;
  }
}

/** A sibling file (`style.css.br`), if it exists and is a regular file. */
export async function sibling(path: string, suffix: string): Promise<FoundFile | undefined> {
  try {
    const stats = await stat(path + suffix);
    return stats.isFile() ? { path: path + suffix, stats } : undefined;
  } catch {
    return undefined;
  }
}
