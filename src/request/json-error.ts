/**
 * Finds where and why a JSON text is invalid, in the words of Python's `json` module, which is
 * what FastAPI clients see in `ctx.error`. Only called after `JSON.parse` has failed (V8's
 * messages do not always carry the offset), so it favours clarity over speed.
 */
export function locateJsonError(text: string): { offset: number; error: string } {
  const scanner = new Scanner(text);
  try {
    scanner.value();
    scanner.space();
    if (scanner.at < text.length) return { offset: scanner.at, error: "Extra data" };
    return { offset: text.length, error: "Expecting value" };
  } catch (failure) {
    if (failure instanceof JsonSyntax) return { offset: failure.offset, error: failure.reason };
    throw failure;
  }
}

/**
 * The deepest nesting of arrays and objects in a JSON text, stopping early once past `limit`.
 * Returns the offset where the limit was crossed, or -1.
 */
export function depthExceededAt(text: string, limit: number): number {
  let depth = 0;
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (inString) {
      if (c === 92) i++;
      else if (c === 34) inString = false;
    } else if (c === 34) inString = true;
    else if (c === 91 || c === 123) {
      if (++depth > limit) return i;
    } else if (c === 93 || c === 125) depth--;
  }
  return -1;
}

class JsonSyntax {
  constructor(
    readonly offset: number,
    readonly reason: string,
  ) {}
}

class Scanner {
  at = 0;
  constructor(private readonly text: string) {}

  fail(reason: string, offset = this.at): never {
    throw new JsonSyntax(offset, reason);
  }

  space(): void {
    while (this.at < this.text.length && " \t\n\r".includes(this.text[this.at]!)) this.at++;
  }

  value(): void {
    this.space();
    const c = this.text[this.at];
    if (c === "{") this.object();
    else if (c === "[") this.array();
    else if (c === '"') this.string();
    else if (c !== undefined && /[-0-9]/.test(c)) this.number();
    else this.literal();
  }

  literal(): void {
    for (const word of ["true", "false", "null"]) {
      if (this.text.startsWith(word, this.at)) {
        this.at += word.length;
        return;
      }
    }
    this.fail("Expecting value");
  }

  object(): void {
    this.at++;
    this.space();
    if (this.text[this.at] === "}") {
      this.at++;
      return;
    }
    for (;;) {
      this.space();
      if (this.text[this.at] !== '"')
        this.fail("Expecting property name enclosed in double quotes");
      this.string();
      this.space();
      if (this.text[this.at] !== ":") this.fail("Expecting ':' delimiter");
      this.at++;
      this.value();
      this.space();
      const c = this.text[this.at];
      if (c === "}") {
        this.at++;
        return;
      }
      if (c !== ",") this.fail("Expecting ',' delimiter");
      this.at++;
    }
  }

  array(): void {
    this.at++;
    this.space();
    if (this.text[this.at] === "]") {
      this.at++;
      return;
    }
    for (;;) {
      this.value();
      this.space();
      const c = this.text[this.at];
      if (c === "]") {
        this.at++;
        return;
      }
      if (c !== ",") this.fail("Expecting ',' delimiter");
      this.at++;
    }
  }

  string(): void {
    const start = this.at++;
    for (;;) {
      const c = this.text[this.at];
      if (c === undefined) this.fail("Unterminated string starting at", start);
      if (c === '"') {
        this.at++;
        return;
      }
      if (c < " ") this.fail("Invalid control character at");
      if (c === "\\") {
        const e = this.text[this.at + 1];
        if (e === "u") {
          if (!/^[0-9a-fA-F]{4}$/.test(this.text.slice(this.at + 2, this.at + 6))) {
            this.fail("Invalid \\uXXXX escape");
          }
          this.at += 6;
          continue;
        }
        if (e === undefined || !'"\\/bfnrt'.includes(e)) this.fail("Invalid \\escape");
        this.at += 2;
        continue;
      }
      this.at++;
    }
  }

  number(): void {
    const match = /^-?(0|[1-9]\d*)(\.\d+)?([eE][+-]?\d+)?/.exec(this.text.slice(this.at));
    if (!match) this.fail("Expecting value");
    this.at += match[0].length;
  }
}
