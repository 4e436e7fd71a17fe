/**
 * A template failed to compile or render: a syntax error, an unknown filter, an exception in
 * a filter or global. Names the template and the line; in development the error page shows
 * the lines around it.
 */
export class TemplateError extends Error {
  /** The template's name, as given to `render` (or the one it extends or includes). */
  readonly template: string | undefined;
  readonly line: number | undefined;
  readonly column: number | undefined;
  /** The template's source lines around `line`, for the development error page. */
  readonly excerpt: readonly { line: number; text: string }[];

  constructor(
    message: string,
    where: { template?: string; line?: number; column?: number; source?: string },
    options?: { cause?: unknown },
  ) {
    const at = where.template
      ? ` in ${where.template}${where.line ? `, line ${where.line}` : ""}${where.column ? `, column ${where.column}` : ""}`
      : "";
    super(`${message}${at}`, options);
    this.name = "TemplateError";
    this.template = where.template;
    this.line = where.line;
    this.column = where.column;
    this.excerpt = excerptOf(where.source, where.line);
  }
}

function excerptOf(source: string | undefined, line: number | undefined) {
  if (source === undefined || line === undefined) return [];
  const lines = source.split("\n");
  const from = Math.max(1, line - 3);
  const to = Math.min(lines.length, line + 3);
  const out: { line: number; text: string }[] = [];
  for (let n = from; n <= to; n++) out.push({ line: n, text: lines[n - 1]! });
  return out;
}

/** nunjucks prefixes messages with `(path) [Line n, Column m]`; this takes them apart. */
export function parseNunjucksMessage(message: string): {
  path?: string;
  line?: number;
  column?: number;
  text: string;
} {
  const match = /^\((.*?)\)(?: \[Line (\d+)(?:, Column (\d+))?\])?\n\s*/.exec(message);
  if (!match) return { text: message };
  return {
    path: match[1],
    line: match[2] ? Number(match[2]) : undefined,
    column: match[3] ? Number(match[3]) : undefined,
    text: message.slice(match[0].length).replace(/^\((.*?)\)\n\s*/, ""),
  };
}
