import { describe, expect, test } from "vitest";
import { depthExceededAt, locateJsonError } from "../../src/request/json-error.js";

describe("locateJsonError", () => {
  test.each([
    ['{"a": 1,}', 8, "Expecting property name enclosed in double quotes"],
    ['{"a" 1}', 5, "Expecting ':' delimiter"],
    ["[1 2]", 3, "Expecting ',' delimiter"],
    ['{"a": tru}', 6, "Expecting value"],
    ['{"a": "x', 6, "Unterminated string starting at"],
    ["", 0, "Expecting value"],
    ["{} x", 3, "Extra data"],
    ['"\\q"', 1, "Invalid \\escape"],
  ])("%j fails at %i: %s", (text, offset, error) => {
    expect(JSON.parse.bind(null, text)).toThrow();
    expect(locateJsonError(text)).toEqual({ offset, error });
  });
});

describe("depthExceededAt", () => {
  test("finds where nesting passes the limit, ignoring brackets in strings", () => {
    expect(depthExceededAt("[[[]]]", 3)).toBe(-1);
    expect(depthExceededAt("[[[[]]]]", 3)).toBe(3);
    expect(depthExceededAt('["[[[[["]', 2)).toBe(-1);
    expect(depthExceededAt('{"a\\"[[[": [[]]}', 3)).toBe(-1);
  });
});
