import { createHmac, generateKeyPairSync } from "node:crypto";
import { App, depends, HTTPBearer, InvalidTokenError, signJWT, verifyJWT } from "vial";
import { TestClient } from "vial/testing";
import { describe, expect, test } from "vitest";

const SECRET = "9c5e4a1f0b7d2e6a8c3f1d9b7a5e3c1f";
const now = () => Math.floor(Date.now() / 1000);
const b64url = (value: unknown) => Buffer.from(JSON.stringify(value)).toString("base64url");

async function refused(token: string, key: Parameters<typeof verifyJWT>[1], options = {}) {
  const error = await verifyJWT(token, key, options).then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(InvalidTokenError);
  return error as InvalidTokenError;
}

describe("signJWT and verifyJWT", () => {
  test("HS256 is the default: claims round-trip, iat and a 15-minute exp are set", async () => {
    const token = await signJWT({ sub: "ann", scopes: ["me"] }, SECRET);
    expect(JSON.parse(Buffer.from(token.split(".")[0]!, "base64url").toString())).toEqual({
      alg: "HS256",
    });
    const claims = await verifyJWT<{ scopes: string[] }>(token, SECRET);
    expect(claims.sub).toBe("ann");
    expect(claims.scopes).toEqual(["me"]);
    expect(claims.exp! - claims.iat!).toBe(15 * 60);
  });

  test.each([
    ["RS256", () => generateKeyPairSync("rsa", { modulusLength: 2048 })],
    ["ES256", () => generateKeyPairSync("ec", { namedCurve: "P-256" })],
    ["EdDSA", () => generateKeyPairSync("ed25519")],
  ])("%s keys sign with the private key and verify with the public one", async (alg, make) => {
    const { privateKey, publicKey } = make();
    const token = await signJWT({ sub: "ann" }, privateKey, { expiresIn: "1h" });
    expect(JSON.parse(Buffer.from(token.split(".")[0]!, "base64url").toString()).alg).toBe(alg);
    expect((await verifyJWT(token, publicKey)).sub).toBe("ann");
    const pem = publicKey.export({ type: "spki", format: "pem" }).toString();
    expect((await verifyJWT(token, pem)).sub).toBe("ann");
    const other = make().publicKey;
    expect((await refused(token, other)).reason).toBe("invalid_signature");
  });

  test("an expired token is refused", async () => {
    const token = await signJWT({ sub: "ann", exp: now() - 30 }, SECRET);
    const error = await refused(token, SECRET);
    expect(error.reason).toBe("expired");
    expect(error.status).toBe(401);
    expect(error.detail).toBe("Could not validate credentials");
  });

  test("clockSkew accepts a token that expired within the leeway", async () => {
    const token = await signJWT({ sub: "ann", exp: now() - 5 }, SECRET);
    expect((await verifyJWT(token, SECRET, { clockSkew: 30 })).sub).toBe("ann");
  });

  test("a not-yet-valid token (nbf in the future) is refused", async () => {
    const token = await signJWT({ sub: "ann" }, SECRET, { notBefore: "10m" });
    expect((await refused(token, SECRET)).reason).toBe("not_yet_valid");
    expect((await verifyJWT(token, SECRET, { clockSkew: 3600 })).sub).toBe("ann");
  });

  test("a token issued in the future is refused", async () => {
    const token = await signJWT({ sub: "ann", iat: now() + 600 }, SECRET);
    expect((await refused(token, SECRET)).reason).toBe("not_yet_valid");
  });

  test("a tampered token is refused", async () => {
    const token = await signJWT({ sub: "ann", admin: false }, SECRET);
    const [header, , signature] = token.split(".");
    const forged = `${header}.${b64url({ sub: "ann", admin: true, exp: now() + 600 })}.${signature}`;
    expect((await refused(forged, SECRET)).reason).toBe("invalid_signature");
  });

  test("a token signed with another secret is refused", async () => {
    const token = await signJWT({ sub: "ann" }, "another-secret-of-32-bytes-or-more!!");
    expect((await refused(token, SECRET)).reason).toBe("invalid_signature");
  });

  test("a wrong audience is refused, the right one accepted", async () => {
    const token = await signJWT({ sub: "ann" }, SECRET, { audience: "billing" });
    expect((await refused(token, SECRET, { audience: "api" })).reason).toBe("invalid_claim");
    expect((await verifyJWT(token, SECRET, { audience: ["api", "billing"] })).aud).toBe("billing");
  });

  test("a wrong issuer is refused", async () => {
    const token = await signJWT({ sub: "ann" }, SECRET, { issuer: "https://evil.example" });
    expect((await refused(token, SECRET, { issuer: "https://id.example" })).reason).toBe(
      "invalid_claim",
    );
  });

  test("an unsigned token (alg: none) is refused", async () => {
    const none = `${b64url({ alg: "none", typ: "JWT" })}.${b64url({ sub: "ann", exp: now() + 600 })}.`;
    expect((await refused(none, SECRET)).reason).toBe("algorithm_not_allowed");
  });

  test("algorithm confusion is refused: an HS256 token made with the RSA public key as secret", async () => {
    const { publicKey } = generateKeyPairSync("rsa", { modulusLength: 2048 });
    const pem = publicKey.export({ type: "spki", format: "pem" }).toString();
    const header = b64url({ alg: "HS256", typ: "JWT" });
    const payload = b64url({ sub: "admin", exp: now() + 600 });
    const signature = createHmac("sha256", pem).update(`${header}.${payload}`).digest("base64url");
    const forged = `${header}.${payload}.${signature}`;
    expect((await refused(forged, pem)).reason).toBe("algorithm_not_allowed");
    await expect(verifyJWT(forged, pem, { algorithms: ["HS256"] })).rejects.toThrow(
      "JWT: HS256 needs a secret, not a public key. Use RS256 for this key.",
    );
  });

  test("a token without exp is refused unless exp is not required", async () => {
    const token = await signJWT({ sub: "ann" }, SECRET, { expiresIn: null });
    expect((await refused(token, SECRET)).reason).toBe("invalid_claim");
    expect((await verifyJWT(token, SECRET, { requiredClaims: [] })).sub).toBe("ann");
  });

  test("maxAge refuses tokens issued too long ago", async () => {
    const token = await signJWT({ sub: "ann", iat: now() - 7200 }, SECRET, { expiresIn: "1d" });
    expect((await refused(token, SECRET, { maxAge: "1h" })).reason).toBe("expired");
  });

  test("garbage is a malformed token", async () => {
    expect((await refused("not-a-jwt", SECRET)).reason).toBe("malformed");
  });

  test("a secret shorter than the hash is refused with how to make one", async () => {
    await expect(signJWT({ sub: "ann" }, "short")).rejects.toThrow(
      "JWT: a HS256 secret must be at least 32 bytes",
    );
  });
});

describe("a bearer-JWT dependency", () => {
  const app = new App();
  const bearer = new HTTPBearer({ bearerFormat: "JWT" });
  const currentUser = depends({ auth: bearer }, async ({ auth }) => {
    const claims = await verifyJWT(auth.credentials, SECRET, { audience: "api" });
    return claims.sub;
  });
  app.get("/me", { deps: { user: currentUser } }, ({ user }) => ({ user }));
  const client = new TestClient(app);
  const call = (token: string) =>
    client.get("/me", { headers: { authorization: `Bearer ${token}` } });

  test("a valid token gives the user", async () => {
    const token = await signJWT({ sub: "ann" }, SECRET, { audience: "api" });
    const res = await call(token);
    expect(res.status).toBe(200);
    expect(res.json()).toEqual({ user: "ann" });
  });

  test.each([
    ["expired", () => signJWT({ sub: "ann", exp: now() - 60 }, SECRET, { audience: "api" })],
    ["not yet valid", () => signJWT({ sub: "ann" }, SECRET, { audience: "api", notBefore: "1h" })],
    ["wrong audience", () => signJWT({ sub: "ann" }, SECRET, { audience: "admin" })],
    ["alg none", async () => `${b64url({ alg: "none" })}.${b64url({ sub: "ann", aud: "api" })}.`],
    [
      "tampered",
      async () => {
        const [h, , s] = (await signJWT({ sub: "ann" }, SECRET, { audience: "api" })).split(".");
        return `${h}.${b64url({ sub: "root", aud: "api", exp: now() + 60 })}.${s}`;
      },
    ],
  ])("a %s token is 401 Could not validate credentials", async (_, make) => {
    const res = await call(await make());
    expect(res.status).toBe(401);
    expect(res.headers.get("www-authenticate")).toBe('Bearer error="invalid_token"');
    expect(res.json()).toEqual({ detail: "Could not validate credentials" });
  });
});
