import * as crypto from "node:crypto";
import { hashPassword, needsRehash, safeCompare, verifyPassword } from "vial";
import { afterEach, describe, expect, test, vi } from "vitest";

vi.mock("node:crypto", async (importOriginal) => {
  const original = await importOriginal<typeof import("node:crypto")>();
  return { ...original, timingSafeEqual: vi.fn(original.timingSafeEqual) };
});

// Low cost keeps the suite fast; the defaults are checked once below.
const FAST = { logN: 10, r: 8, p: 1 };

afterEach(() => {
  vi.mocked(crypto.timingSafeEqual).mockClear();
});

describe("password hashing", () => {
  test("a hash verifies its password and no other", async () => {
    const stored = await hashPassword("correct horse battery staple", FAST);
    expect(stored).toMatch(/^\$scrypt\$ln=10,r=8,p=1\$[A-Za-z0-9+/]{22}\$[A-Za-z0-9+/]{43}$/);
    expect(await verifyPassword("correct horse battery staple", stored)).toBe(true);
    expect(await verifyPassword("correct horse battery stapl", stored)).toBe(false);
    expect(await verifyPassword("", stored)).toBe(false);
  });

  test("the same password hashes differently each time (random salt)", async () => {
    const a = await hashPassword("pw", FAST);
    const b = await hashPassword("pw", FAST);
    expect(a).not.toBe(b);
    expect(await verifyPassword("pw", a)).toBe(true);
    expect(await verifyPassword("pw", b)).toBe(true);
  });

  test("the default parameters are scrypt N=2^15, r=8, p=3", async () => {
    const stored = await hashPassword("pw");
    expect(stored.startsWith("$scrypt$ln=15,r=8,p=3$")).toBe(true);
    expect(needsRehash(stored)).toBe(false);
    expect(await verifyPassword("pw", stored)).toBe(true);
  });

  test("Unicode passwords are normalised (NFKC) before hashing", async () => {
    const stored = await hashPassword("caf\u00e9", FAST);
    expect(await verifyPassword("cafe\u0301", stored)).toBe(true);
  });

  test("needsRehash tells when the parameters changed", async () => {
    const old = await hashPassword("pw", FAST);
    expect(needsRehash(old, FAST)).toBe(false);
    expect(needsRehash(old)).toBe(true);
    expect(needsRehash(old, { ...FAST, logN: 11 })).toBe(true);
    expect(needsRehash("$2b$12$bcrypt-hash-from-elsewhere")).toBe(true);
  });

  test("a stored hash that is not ours throws, so a corrupt record is noticed", async () => {
    await expect(verifyPassword("pw", "plaintext")).rejects.toThrow(
      "verifyPassword: the stored hash is not one hashPassword() made",
    );
  });

  test("stored parameters that would be a denial of service are refused", async () => {
    await expect(verifyPassword("pw", "$scrypt$ln=40,r=8,p=1$AAAA$AAAA")).rejects.toThrow(
      "scrypt parameter logN=40 is out of range (1..20)",
    );
  });

  test("verification compares in constant time", async () => {
    const stored = await hashPassword("pw", FAST);
    await verifyPassword("wrong", stored);
    expect(crypto.timingSafeEqual).toHaveBeenCalledTimes(1);
  });
});

describe("safeCompare", () => {
  test("tells equal secrets from different ones", () => {
    expect(safeCompare("k-123", "k-123")).toBe(true);
    expect(safeCompare("k-123", "k-124")).toBe(false);
    expect(safeCompare(Buffer.from("abc"), "abc")).toBe(true);
  });

  test("compares in constant time and never throws for different lengths", () => {
    expect(safeCompare("short", "a much longer secret value")).toBe(false);
    expect(safeCompare("", "x")).toBe(false);
    expect(crypto.timingSafeEqual).toHaveBeenCalledTimes(2);
    // Both sides reach timingSafeEqual at the same length, whatever the inputs' lengths.
    for (const [a, b] of vi.mocked(crypto.timingSafeEqual).mock.calls) {
      expect((a as Buffer).length).toBe(32);
      expect((b as Buffer).length).toBe(32);
    }
  });
});
