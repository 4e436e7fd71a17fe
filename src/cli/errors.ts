import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { relative, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { inspect } from "node:util";

/**
 * A mistake the user can fix (a missing file, a port in use): printed as one message, without
 * a stack trace, and the command exits with `exitCode`.
 */
export class CliError extends Error {
  constructor(
    message: string,
    readonly exitCode = 1,
  ) {
    super(message);
    this.name = "CliError";
  }
}

/** A place in a source file; `line` and `column` count from 1. */
export interface SourceLocation {
  file: string;
  line: number;
  column: number;
}

/**
 * The message for an error raised while loading or starting an app: what went wrong, the file
 * and line it points to with the line itself, and the stack only with `--debug`.
 *
 * @example
 * describeError(error, { entry: "/proj/app.ts", debug: false });
 * // "SyntaxError in app.ts:3:11: Unexpected "}"\n\n  2 | ...\n> 3 | ...\n    |           ^"
 */
export function describeError(error: unknown, options: { entry?: string; debug: boolean }): string {
  if (error instanceof CliError) return error.message;
  const err = error instanceof Error ? error : new Error(inspect(error));
  const located = locate(err, options.entry);
  const kind = errorKind(err);
  const message = located?.message ?? err.message;
  const where = located ? ` in ${display(located.location)}` : "";
  const lines = [`${kind}${where}: ${message}`];
  if (located) lines.push("", ...codeFrame(located.location));
  if (options.debug && err.stack) lines.push("", err.stack);
  return lines.join("\n");
}

function errorKind(err: Error): string {
  if (err.name === "TransformError" || PARSE_ERROR.test(err.message)) return "SyntaxError";
  return err.name && err.name !== "Error" ? err.name : "Error";
}

/** `src/app.ts:3:11`, relative to the working directory. */
export function display(location: SourceLocation): string {
  return `${relative(process.cwd(), location.file) || location.file}:${location.line}:${location.column}`;
}

const TRANSFORM_ERROR = /^(.+?):(\d+):(\d+): ERROR: (.+)$/m;
const NODE_SYNTAX_ERROR = /^((?:file:\/\/|\/|[A-Za-z]:\\).+?):(\d+)$/m;
const FRAME = /(?:\(|^at )((?:file:\/\/)?(?:\/|[A-Za-z]:\\)[^()]*?):(\d+):(\d+)\)?$/;
// tsx's import scanner reports a JavaScript syntax error as "Parse error file:1:1", place unknown.
const PARSE_ERROR = /^Parse error /;

function locate(
  err: Error,
  entry: string | undefined,
): { location: SourceLocation; message?: string } | undefined {
  // tsx (esbuild) reports syntax errors in TypeScript as "file:line:column: ERROR: text".
  const transform = TRANSFORM_ERROR.exec(err.message);
  if (transform) {
    const [, file, line, column, text] = transform;
    return {
      location: { file: toPath(file!), line: Number(line), column: Number(column) + 1 },
      message: text!,
    };
  }
  if (err instanceof SyntaxError || PARSE_ERROR.test(err.message)) {
    // CommonJS puts "file:line" first in the stack; ES modules say nothing: ask esbuild.
    const node = NODE_SYNTAX_ERROR.exec(err.stack ?? "");
    if (node) return { location: { file: toPath(node[1]!), line: Number(node[2]), column: 1 } };
    const found = entry ? syntaxErrorIn(entry) : undefined;
    if (found) return found;
  }
  const frame = firstUserFrame(err.stack ?? "");
  return frame ? { location: frame } : undefined;
}

/** The first stack frame in the user's code (not in node, node_modules or Vial itself). */
function firstUserFrame(stack: string): SourceLocation | undefined {
  const vial = fileURLToPath(new URL("../", import.meta.url));
  for (const line of stack.split("\n").slice(1)) {
    const match = FRAME.exec(line.trim());
    if (!match) continue;
    const file = toPath(match[1]!);
    if (file.includes("node_modules") || file.startsWith(vial)) continue;
    return { file, line: Number(match[2]), column: Number(match[3]) };
  }
  return undefined;
}

/**
 * Node reports a syntax error in an ES module without its place; esbuild (which tsx brings)
 * parses the app and its local imports and says where.
 */
function syntaxErrorIn(entry: string): { location: SourceLocation; message: string } | undefined {
  let esbuild: Esbuild;
  try {
    esbuild = createRequire(import.meta.resolve("tsx"))("esbuild") as Esbuild;
  } catch {
    return undefined;
  }
  try {
    esbuild.buildSync({
      entryPoints: [entry],
      bundle: true,
      write: false,
      platform: "node",
      format: "esm",
      packages: "external",
      logLevel: "silent",
      absWorkingDir: process.cwd(),
    });
  } catch (error) {
    const first = (error as { errors?: { text: string; location?: EsbuildLocation }[] })
      .errors?.[0];
    if (first?.location) {
      const { file, line, column } = first.location;
      return {
        location: { file: toPath(file), line, column: column + 1 },
        message: first.text,
      };
    }
  }
  return undefined;
}

interface EsbuildLocation {
  file: string;
  line: number;
  column: number;
}

/** The part of esbuild's API used here. */
interface Esbuild {
  buildSync(options: Record<string, unknown>): unknown;
}

function toPath(file: string): string {
  return resolve(file.startsWith("file://") ? fileURLToPath(file) : file);
}

/** The line of the error with one line around it and a caret under the column. */
export function codeFrame(location: SourceLocation): string[] {
  let source: string[];
  try {
    source = readFileSync(location.file, "utf8").split(/\r?\n/);
  } catch {
    return [];
  }
  const first = Math.max(1, location.line - 1);
  const last = Math.min(source.length, location.line + 1);
  const width = String(last).length;
  const out: string[] = [];
  for (let n = first; n <= last; n++) {
    const marker = n === location.line ? ">" : " ";
    out.push(`${marker} ${String(n).padStart(width)} | ${source[n - 1] ?? ""}`);
    if (n === location.line) {
      out.push(`  ${" ".repeat(width)} | ${" ".repeat(Math.max(0, location.column - 1))}^`);
    }
  }
  return out;
}
