import { HTTPException } from "vial";
import { describe, expect, test } from "vitest";
import { parseQuery } from "../../src/request/query.js";

describe("parseQuery", () => {
  test("parses pairs, decodes, and keeps repeated keys in order", () => {
    const q = parseQuery("a=1&b=x+y&a=2&c=%C3%A9&flag&=v&&");
    expect({ ...q }).toEqual({ a: ["1", "2"], b: "x y", c: "é", flag: "", "": "v" });
  });

  test("gives a record without Object.prototype: __proto__ is a plain key", () => {
    const q = parseQuery("__proto__=x&constructor=y&toString=z");
    expect(q instanceof Object).toBe(false);
    expect(Object.getPrototypeOf(Object.getPrototypeOf(q))).toBeNull();
    expect(q.constructor).toBe("y");
    expect(q.toString).toBe("z");
    expect(Object.getOwnPropertyDescriptor(q, "__proto__")?.value).toBe("x");
    expect(({} as Record<string, unknown>).x).toBeUndefined();
  });

  test("invalid percent-encoding is a 400 naming the bad part", () => {
    try {
      parseQuery("a=%E0%A4%A");
      expect.unreachable();
    } catch (error) {
      expect(error).toBeInstanceOf(HTTPException);
      expect((error as HTTPException).status).toBe(400);
      expect((error as HTTPException).detail).toMatch(/percent-encoding.*%E0%A4%A/);
    }
  });
});
