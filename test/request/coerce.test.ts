import { describe, expect, test } from "vitest";
import { compileCoercer, jsonTypes } from "../../src/request/coerce.js";

describe("compileCoercer", () => {
  test("integers: decimal strings only", () => {
    const c = compileCoercer({ type: "integer" });
    expect(c("42")).toBe(42);
    expect(c("-7")).toBe(-7);
    expect(c("4.2")).toBe("4.2");
    expect(c("abc")).toBe("abc");
    expect(c(undefined)).toBeUndefined();
  });

  test("integers: signs, zeros and long numbers read as Number() reads them", () => {
    const c = compileCoercer({ type: "integer" });
    for (const raw of ["0", "-0", "+5", "007", "999999999999999", "-123456789012345"]) {
      expect(c(raw)).toBe(Number(raw));
    }
    // Past 15 digits a double is no longer exact: the same rounding as Number().
    expect(c("12345678901234567")).toBe(12345678901234568);
    expect(c("-9007199254740993")).toBe(Number("-9007199254740993"));
    for (const raw of ["", "-", "+", "1e3", " 1", "1 ", "0x10", "1_000", "--1", "١٢"]) {
      expect(c(raw)).toBe(raw);
    }
  });

  test("numbers", () => {
    const c = compileCoercer({ type: "number" });
    expect(c("4.5")).toBe(4.5);
    expect(c("1e3")).toBe(1000);
    expect(c("")).toBe("");
    expect(c("x")).toBe("x");
  });

  test.each([
    ["true", true],
    ["1", true],
    ["yes", true],
    ["on", true],
    ["TRUE", true],
    ["false", false],
    ["0", false],
    ["no", false],
    ["off", false],
    ["maybe", "maybe"],
  ])("booleans: %s", (raw, expected) => {
    expect(compileCoercer({ type: "boolean" })(raw)).toBe(expected);
  });

  test("arrays from repeated keys, items coerced", () => {
    const c = compileCoercer({ type: "array", items: { type: "integer" } });
    expect(c(["1", "2"])).toEqual([1, 2]);
    expect(c("3")).toEqual([3]);
  });

  test("a single-valued field sent twice takes the last value", () => {
    expect(compileCoercer({ type: "integer" })(["1", "2"])).toBe(2);
  });

  test("nullable and unions try each type; strings stay strings", () => {
    expect(compileCoercer({ type: ["integer", "null"] })("5")).toBe(5);
    expect(compileCoercer({ anyOf: [{ type: "integer" }, { type: "string" }] })("5")).toBe("5");
    expect(compileCoercer({ enum: [1, 2, 3] })("2")).toBe(2);
    expect(compileCoercer({ type: "string", enum: ["a", "b"] })("a")).toBe("a");
  });

  test("jsonTypes looks through unions, enums and const", () => {
    expect(jsonTypes({ anyOf: [{ type: "integer" }, { type: "null" }] })).toEqual([
      "integer",
      "null",
    ]);
    expect(jsonTypes({ const: true })).toEqual(["boolean"]);
  });
});
