import * as jose from "jose";
import { signJWT, verifyJWT } from "vial";
import { afterEach, describe, expect, test, vi } from "vitest";

vi.mock("jose", async (importOriginal) => {
  const original = await importOriginal<typeof import("jose")>();
  return { ...original, jwtVerify: vi.fn(original.jwtVerify) };
});

const SECRET = "a-secret-for-the-cache-tests-0123456789";
const OTHER = "another-secret-for-the-cache-tests-0123";

afterEach(() => {
  vi.useRealTimers();
  vi.mocked(jose.jwtVerify).mockClear();
});

describe("verified tokens are remembered", () => {
  test("the same token sent again skips the signature check", async () => {
    const token = await signJWT({ sub: "ann", n: 1 }, SECRET);
    await verifyJWT(token, SECRET);
    await verifyJWT(token, SECRET);
    expect((await verifyJWT(token, SECRET)).sub).toBe("ann");
    expect(jose.jwtVerify).toHaveBeenCalledTimes(1);
  });

  test("a remembered token is still refused once it expires", async () => {
    const token = await signJWT({ sub: "ann", n: 2 }, SECRET, { expiresIn: 60 });
    expect((await verifyJWT(token, SECRET)).sub).toBe("ann");
    vi.useFakeTimers({ now: Date.now() + 61_000 });
    await expect(verifyJWT(token, SECRET)).rejects.toMatchObject({ reason: "expired" });
    expect(jose.jwtVerify).toHaveBeenCalledTimes(1);
    await expect(verifyJWT(token, SECRET, { clockSkew: 5 })).resolves.toMatchObject({ sub: "ann" });
  });

  test("a remembered token is checked again for another key or other claims checks", async () => {
    const token = await signJWT({ sub: "ann", n: 3 }, SECRET, { audience: "api" });
    await verifyJWT(token, SECRET, { audience: "api" });
    await expect(verifyJWT(token, OTHER, { audience: "api" })).rejects.toMatchObject({
      reason: "invalid_signature",
    });
    await expect(verifyJWT(token, SECRET, { audience: "admin" })).rejects.toMatchObject({
      reason: "invalid_claim",
    });
    expect(jose.jwtVerify).toHaveBeenCalledTimes(3);
  });

  test("changing the returned claims does not change what is remembered", async () => {
    const token = await signJWT({ sub: "ann", scopes: ["me"] }, SECRET);
    const first = await verifyJWT<{ scopes: string[] }>(token, SECRET);
    first.scopes.push("admin");
    first.sub = "root";
    const second = await verifyJWT<{ scopes: string[] }>(token, SECRET);
    expect(second.sub).toBe("ann");
    expect(second.scopes).toEqual(["me"]);
  });

  test("cache: false and maxAge always verify", async () => {
    const token = await signJWT({ sub: "ann", n: 4 }, SECRET);
    await verifyJWT(token, SECRET, { cache: false });
    await verifyJWT(token, SECRET, { cache: false });
    await verifyJWT(token, SECRET, { maxAge: "1h" });
    await verifyJWT(token, SECRET, { maxAge: "1h" });
    expect(jose.jwtVerify).toHaveBeenCalledTimes(4);
  });

  test("a refused token is never remembered", async () => {
    const token = await signJWT({ sub: "ann", n: 5 }, SECRET);
    const [h, p] = token.split(".");
    const forged = `${h}.${p}.${"A".repeat(43)}`;
    await expect(verifyJWT(forged, SECRET)).rejects.toMatchObject({ reason: "invalid_signature" });
    await expect(verifyJWT(forged, SECRET)).rejects.toMatchObject({ reason: "invalid_signature" });
    expect(jose.jwtVerify).toHaveBeenCalledTimes(2);
  });
});
