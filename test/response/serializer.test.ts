import { afterEach, describe, expect, test, vi } from "vitest";
import { learningStringify } from "../../src/response/serializer.js";

afterEach(() => {
  vi.restoreAllMocks();
});

/** A serializer that has learned the shape `{ id, name, active, score }`. */
function learned() {
  const serialize = learningStringify();
  serialize({ id: 1, name: "a", active: true, score: null });
  return serialize;
}

describe("learningStringify (routes without a response schema)", () => {
  test("writes a learned shape itself, without JSON.stringify", () => {
    const serialize = learned();
    const spy = vi.spyOn(JSON, "stringify");
    expect(serialize({ id: 2, name: "bob", active: false, score: 1.5 })).toBe(
      '{"id":2,"name":"bob","active":false,"score":1.5}',
    );
    expect(spy).not.toHaveBeenCalled();
    // Anything else is JSON.stringify's.
    expect(serialize({ id: 2, name: "bob", active: false })).toBe(
      '{"id":2,"name":"bob","active":false}',
    );
    expect(spy).toHaveBeenCalledTimes(1);
  });

  test.each<[string, unknown]>([
    ["a string to escape", { id: 1, name: 'say "hi"\n\\', active: true, score: null }],
    ["control characters", { id: 1, name: "\u0000\u001f\t", active: true, score: null }],
    ["a lone surrogate", { id: 1, name: "\ud800", active: true, score: null }],
    ["an emoji", { id: 1, name: "😀", active: true, score: null }],
    ["non-ASCII text", { id: 1, name: "Zoë — 東京", active: true, score: null }],
    ["U+2028", { id: 1, name: "a\u2028b", active: true, score: null }],
    ["NaN", { id: Number.NaN, name: "a", active: true, score: null }],
    ["Infinity", { id: 1, name: "a", active: true, score: -Infinity }],
    ["-0", { id: -0, name: "a", active: true, score: null }],
    ["a large number", { id: 1e21, name: "a", active: true, score: 5e-7 }],
    ["undefined", { id: 1, name: undefined, active: true, score: null }],
    ["a function", { id: 1, name: () => 1, active: true, score: null }],
    ["a symbol", { id: 1, name: Symbol("s"), active: true, score: null }],
    ["a nested object", { id: 1, name: { first: "a" }, active: true, score: null }],
    ["an array value", { id: 1, name: ["a"], active: true, score: [] }],
    ["a Date", { id: 1, name: new Date(0), active: true, score: null }],
    ["other key order", { name: "a", id: 1, active: true, score: null }],
    ["a key more", { id: 1, name: "a", active: true, score: null, extra: 1 }],
    ["a key less", { id: 1, name: "a", active: true }],
    ["a renamed key", { id: 1, name: "a", active: true, Score: null }],
    ["an own toJSON", { id: 1, name: "a", active: true, score: null, toJSON: () => "x" }],
    [
      "a getter",
      {
        id: 1,
        get name() {
          return "got";
        },
        active: true,
        score: null,
      },
    ],
    [
      "a class instance",
      Object.assign(
        new (class {
          toJSON() {
            return "instance";
          }
        })(),
        { id: 1, name: "a", active: true, score: null },
      ),
    ],
    [
      "a null-prototype object",
      Object.assign(Object.create(null), { id: 1, name: "a", active: true, score: null }),
    ],
    ["an array", [1, "a", true, null]],
    ["a string", "text"],
    ["a number", 42],
    ["null", null],
  ])("%s: the same JSON as JSON.stringify", (_, value) => {
    expect(learned()(value)).toBe(JSON.stringify(value));
  });

  test("a random mix of shapes and values always gives JSON.stringify's output", () => {
    const serialize = learningStringify();
    const keys = ["id", "name", "ok", "0", "2", "a b", 'q"uote', "ü"];
    const values = [
      0,
      -1,
      3.25,
      1e300,
      Number.NaN,
      "",
      "x",
      'a"b',
      "é",
      "\n",
      true,
      false,
      null,
      undefined,
      {},
      [1],
    ];
    let seed = 7;
    const next = (n: number) => {
      seed = (seed * 1103515245 + 12345) % 2147483648;
      return seed % n;
    };
    for (let i = 0; i < 3000; i++) {
      const value: Record<string, unknown> = {};
      const count = 1 + next(4);
      for (let k = 0; k < count; k++) value[keys[next(keys.length)]!] = values[next(values.length)];
      expect(serialize(value)).toBe(JSON.stringify(value));
    }
  });

  test("learns no shape from objects it could not write the same way", () => {
    for (const first of [
      { __proto__: null, id: 1 },
      JSON.parse('{"__proto__": 1}'),
      Object.defineProperty({ id: 1 }, "name", { get: () => "a", enumerable: true }),
      {},
    ]) {
      const serialize = learningStringify();
      expect(serialize(first)).toBe(JSON.stringify(first));
      expect(serialize(first)).toBe(JSON.stringify(first));
    }
  });

  test("a parsed `__proto__` key is written as a key, not read as the prototype", () => {
    const serialize = learningStringify();
    serialize({ a: 1 });
    const parsed = JSON.parse('{"__proto__": 5}');
    expect(serialize(parsed)).toBe('{"__proto__":5}');
  });
});
