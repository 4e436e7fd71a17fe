/** Terminal output of the CLI: plain lines, coloured only on a terminal (and never with NO_COLOR). */

const CODES = { bold: 1, dim: 2, red: 31, green: 32, yellow: 33, cyan: 36 } as const;

export type Color = keyof typeof CODES;

function colors(stream: NodeJS.WriteStream): boolean {
  if ("NO_COLOR" in process.env) return false;
  if (process.env.FORCE_COLOR && process.env.FORCE_COLOR !== "0") return true;
  return stream.isTTY === true;
}

/** `text` in `color` when `stream` shows colours. */
export function paint(
  color: Color,
  text: string,
  stream: NodeJS.WriteStream = process.stdout,
): string {
  return colors(stream) ? `\x1b[${CODES[color]}m${text}\x1b[0m` : text;
}

/** Writes a line to standard output; resolves once it is handed to the system. */
export function say(text: string): Promise<void> {
  return new Promise((resolve) => process.stdout.write(`${text}\n`, () => resolve()));
}

/** Writes an error to standard error, its first line in red. */
export function complain(text: string): Promise<void> {
  const [first = "", ...rest] = text.split("\n");
  const body = [paint("red", first, process.stderr), ...rest].join("\n");
  return new Promise((resolve) => process.stderr.write(`${body}\n`, () => resolve()));
}
