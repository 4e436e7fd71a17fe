import { execFileSync } from "node:child_process";
import { createRequire } from "node:module";

const biome = createRequire(import.meta.url).resolve("@biomejs/biome/bin/biome");

/**
 * Formats a snapshot the way `npm run lint` wants the file, so a snapshot written by
 * `vitest -u` is committed as is.
 */
export function formatted(text: string, fileName: string): string {
  return execFileSync(process.execPath, [biome, "format", `--stdin-file-path=${fileName}`], {
    input: text,
    encoding: "utf8",
  });
}
