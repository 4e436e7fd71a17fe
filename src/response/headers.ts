import type { OutgoingHttpHeaders } from "node:http";
import { nullRecord } from "../request/query.js";

export type HeadersInit =
  | HeaderMap
  | Record<string, string | number | readonly string[]>
  | Iterable<readonly [string, string]>;

/**
 * Response headers: case-insensitive, several values per name (`Set-Cookie`), and written to
 * node's `writeHead` as they are stored, with no conversion.
 *
 * @example
 * res.headers.set("cache-control", "no-store");
 * res.headers.append("set-cookie", "a=1");
 */
export class HeaderMap {
  readonly #values: Record<string, string | string[]> = nullRecord();

  constructor(init?: HeadersInit) {
    if (!init) return;
    if (init instanceof HeaderMap) {
      for (const [name, value] of init.#entries()) this.#values[name] = value;
    } else if (Symbol.iterator in init) {
      for (const [name, value] of init as Iterable<readonly [string, string]>)
        this.append(name, value);
    } else {
      for (const [name, value] of Object.entries(init)) {
        if (Array.isArray(value)) for (const v of value) this.append(name, v);
        else this.set(name, String(value));
      }
    }
  }

  /** The value of a header, several values joined by `, `; `null` when absent. */
  get(name: string): string | null {
    const value = this.#values[name.toLowerCase()];
    if (value === undefined) return null;
    return Array.isArray(value) ? value.join(", ") : value;
  }

  /** Every `Set-Cookie` line, as the Fetch API's `Headers.getSetCookie()`. */
  getSetCookie(): string[] {
    const value = this.#values["set-cookie"];
    if (value === undefined) return [];
    return Array.isArray(value) ? [...value] : [value];
  }

  has(name: string): boolean {
    return this.#values[name.toLowerCase()] !== undefined;
  }

  set(name: string, value: string): this {
    this.#values[name.toLowerCase()] = value;
    return this;
  }

  append(name: string, value: string): this {
    const key = name.toLowerCase();
    const current = this.#values[key];
    if (current === undefined) this.#values[key] = value;
    else if (Array.isArray(current)) current.push(value);
    else this.#values[key] = [current, value];
    return this;
  }

  delete(name: string): this {
    delete this.#values[name.toLowerCase()];
    return this;
  }

  /** Pairs with lowercase names; a name with several values appears once per value. */
  *[Symbol.iterator](): IterableIterator<[string, string]> {
    for (const [name, value] of this.#entries()) {
      if (Array.isArray(value)) for (const v of value) yield [name, v];
      else yield [name, value];
    }
  }

  *#entries(): IterableIterator<[string, string | string[]]> {
    for (const name in this.#values) {
      const value = this.#values[name]!;
      yield [name, Array.isArray(value) ? [...value] : value];
    }
  }

  /** Copies every header of `other` that this map does not set; `Set-Cookie` lines are added. */
  merge(other: HeaderMap): void {
    for (const [name, value] of other.#entries()) {
      if (name === "set-cookie") {
        for (const line of Array.isArray(value) ? value : [value]) this.append(name, line);
      } else if (this.#values[name] === undefined) {
        this.#values[name] = value;
      }
    }
  }

  /** The stored object, in the shape `ServerResponse.writeHead` takes. */
  toNode(): OutgoingHttpHeaders {
    return this.#values;
  }

  toJSON(): Record<string, string | string[]> {
    return { ...this.#values };
  }
}
