/**
 * The test client's cookies: set by `Set-Cookie`, sent back on later requests, forgotten when a
 * response expires them. Scope (domain, path) is ignored: a test talks to one app.
 */
export class CookieJar {
  readonly #cookies = new Map<string, string>();

  get(name: string): string | undefined {
    return this.#cookies.get(name);
  }

  set(name: string, value: string): void {
    this.#cookies.set(name, value);
  }

  delete(name: string): void {
    this.#cookies.delete(name);
  }

  clear(): void {
    this.#cookies.clear();
  }

  toJSON(): Record<string, string> {
    return Object.fromEntries(this.#cookies);
  }

  /** Applies `Set-Cookie` lines. */
  store(lines: string[]): void {
    for (const line of lines) {
      const [pair = "", ...attributes] = line.split(";");
      const eq = pair.indexOf("=");
      if (eq <= 0) continue;
      const name = pair.slice(0, eq).trim();
      const value = pair.slice(eq + 1).trim();
      if (isExpired(attributes)) this.#cookies.delete(name);
      else this.#cookies.set(name, value);
    }
  }

  /** The `Cookie` header for a request, with `extra` cookies on top; `""` when there are none. */
  header(extra: Record<string, string> = {}): string {
    const all = new Map([...this.#cookies, ...Object.entries(extra)]);
    return [...all].map(([name, value]) => `${name}=${value}`).join("; ");
  }
}

function isExpired(attributes: string[]): boolean {
  for (const attribute of attributes) {
    const [key = "", value = ""] = attribute.split("=").map((s) => s.trim());
    const name = key.toLowerCase();
    if (name === "max-age" && Number(value) <= 0) return true;
    if (name === "expires" && Date.parse(value) <= Date.now()) return true;
  }
  return false;
}
