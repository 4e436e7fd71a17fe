import {
  createPrivateKey,
  createPublicKey,
  createSecretKey,
  KeyObject,
  webcrypto,
} from "node:crypto";
import type { JWTHeaderParameters, JWTPayload } from "jose";
import { HTTPException } from "../errors.js";
import { VerifiedTokens } from "./jwt-cache.js";

type Jose = typeof import("jose");
let joseModule: Promise<Jose> | undefined;

/** jose, loaded on the first JWT signed or verified, so apps without JWTs never load it. */
function jose(): Promise<Jose> {
  joseModule ??= import("jose");
  return joseModule;
}

export type JWTAlgorithm =
  | "HS256"
  | "HS384"
  | "HS512"
  | "RS256"
  | "RS384"
  | "RS512"
  | "PS256"
  | "PS384"
  | "PS512"
  | "ES256"
  | "ES384"
  | "ES512"
  | "EdDSA";

/**
 * A signing or verification key: a secret (string or bytes) for HS256/384/512, or a PEM string
 * or `KeyObject` for RS/PS/ES/EdDSA (a private key signs; verifying takes the public key, or the
 * private one, whose public half is used).
 */
export type JWTKey = string | Uint8Array | KeyObject;

/** Registered claims (RFC 7519 section 4.1) and any of your own. */
export type JWTClaims = JWTPayload;

export interface SignOptions {
  /** Default: HS256 for a secret, else the one the key is for (RS256, ES256/384/512, EdDSA). */
  algorithm?: JWTAlgorithm;
  /** Seconds, or a span like `"30m"`, `"2h"`, `"7d"`. Default 15 minutes; `null` for none. */
  expiresIn?: number | string | null;
  /** Not valid before this many seconds (or a span) from now. */
  notBefore?: number | string;
  issuer?: string;
  audience?: string | string[];
  subject?: string;
  jwtId?: string;
  /** Extra protected-header fields, such as `kid`. */
  header?: { kid?: string; typ?: string };
}

export interface VerifyOptions {
  /** Accepted algorithms. Default: the one the key is for; never `none`, never a mix of families. */
  algorithms?: JWTAlgorithm[];
  /** Required `aud` (any of them). */
  audience?: string | string[];
  /** Required `iss` (any of them). */
  issuer?: string | string[];
  subject?: string;
  /** Leeway for `exp`, `nbf` and `iat` between clocks, in seconds (default 0). */
  clockSkew?: number;
  /** Refuse tokens issued longer ago than this (seconds or a span); requires `iat`. */
  maxAge?: number | string;
  /** Claims that must be present. Default `["exp"]`: a token without expiry is refused. */
  requiredClaims?: string[];
  /**
   * Remember tokens that passed, so the same token sent again skips the signature check; its
   * `exp`, `nbf` and `iat` are checked again every time (default true; not used with `maxAge`).
   */
  cache?: boolean;
}

/** Why a token was refused, for logs and metrics; clients only see "Could not validate credentials". */
export type InvalidTokenReason =
  | "malformed"
  | "algorithm_not_allowed"
  | "invalid_signature"
  | "expired"
  | "not_yet_valid"
  | "invalid_claim";

/**
 * A token that is not valid: a 401 `{"detail":"Could not validate credentials"}` with
 * `WWW-Authenticate: Bearer` if nothing catches it, as in FastAPI's tutorial. `reason` says why.
 *
 * @example
 * try { await verifyJWT(token, secret); }
 * catch (error) { if (error instanceof InvalidTokenError && error.reason === "expired") log.info("stale token"); throw error; }
 */
export class InvalidTokenError extends HTTPException {
  readonly reason: InvalidTokenReason;

  constructor(reason: InvalidTokenReason, message: string) {
    super(401, "Could not validate credentials", {
      "WWW-Authenticate": 'Bearer error="invalid_token"',
    });
    this.name = "InvalidTokenError";
    this.reason = reason;
    this.message = `Invalid token (${reason}): ${message}`;
  }
}

const HMAC_BYTES: Record<string, number> = { HS256: 32, HS384: 48, HS512: 64 };
const KEY_TYPES: Record<string, string[]> = {
  RS: ["rsa"],
  PS: ["rsa", "rsa-pss"],
  ES: ["ec"],
  Ed: ["ed25519"],
};
const EC_ALGORITHMS: Record<string, JWTAlgorithm> = {
  "P-256": "ES256",
  "P-384": "ES384",
  "P-521": "ES512",
  prime256v1: "ES256",
  secp384r1: "ES384",
  secp521r1: "ES512",
};

/**
 * Signs claims into a compact JWT. `iat` is set to now and `exp` to 15 minutes from now unless
 * you say otherwise.
 *
 * @example
 * const token = await signJWT({ sub: "ann", scopes: ["me"] }, process.env.SECRET_KEY!, { expiresIn: "30m" });
 */
export async function signJWT(
  claims: JWTClaims,
  key: JWTKey,
  options: SignOptions = {},
): Promise<string> {
  const keyObject = keyFor(key, "sign");
  const alg = options.algorithm ?? defaultAlgorithm(keyObject);
  checkKey(alg, keyObject);
  const { SignJWT } = await jose();
  const jwt = new SignJWT(claims).setProtectedHeader({ ...options.header, alg });
  if (claims.iat === undefined) jwt.setIssuedAt();
  const expiresIn = options.expiresIn === undefined ? 15 * 60 : options.expiresIn;
  if (expiresIn !== null && claims.exp === undefined) jwt.setExpirationTime(span(expiresIn));
  if (options.notBefore !== undefined) jwt.setNotBefore(span(options.notBefore));
  if (options.issuer !== undefined) jwt.setIssuer(options.issuer);
  if (options.audience !== undefined) jwt.setAudience(options.audience);
  if (options.subject !== undefined) jwt.setSubject(options.subject);
  if (options.jwtId !== undefined) jwt.setJti(options.jwtId);
  return jwt.sign(await cryptoKey(keyObject, alg));
}

/**
 * Verifies a compact JWT and returns its claims: the signature with an allowed algorithm (never
 * `none`; an RSA public key is never taken as an HMAC secret), then `exp`, `nbf`, `iat`, `aud`,
 * `iss` with `clockSkew` seconds of leeway. Anything wrong throws {@link InvalidTokenError},
 * which answers 401 unless you catch it.
 *
 * @example
 * const claims = await verifyJWT(token, process.env.SECRET_KEY!, { audience: "api" });
 */
export async function verifyJWT<T extends object = {}>(
  token: string,
  key: JWTKey,
  options: VerifyOptions = {},
): Promise<JWTClaims & T> {
  const keyObject = keyFor(key, "verify");
  const algorithms = options.algorithms ?? [defaultAlgorithm(keyObject)];
  for (const alg of algorithms) checkKey(alg, keyObject);
  const skew = options.clockSkew ?? 0;
  const cacheable = options.cache !== false && options.maxAge === undefined;
  const fingerprint = cacheable ? fingerprintOf(algorithms, options) : "";
  const known = cacheable ? verified.get(token, keyObject, fingerprint) : undefined;
  if (known !== undefined) {
    checkTimes(known, skew);
    return known as JWTClaims & T;
  }
  let payload: JWTPayload;
  const { jwtVerify, errors } = await jose();
  try {
    const keyForHeader = (header: JWTHeaderParameters) => cryptoKey(keyObject, header.alg);
    ({ payload } = await jwtVerify(token, keyForHeader, {
      algorithms,
      audience: options.audience,
      issuer: options.issuer,
      subject: options.subject,
      clockTolerance: skew,
      maxTokenAge: options.maxAge,
      requiredClaims: options.requiredClaims ?? ["exp"],
    }));
  } catch (error) {
    throw invalid(error, errors);
  }
  checkTimes(payload, skew);
  if (cacheable) verified.set(token, keyObject, fingerprint, payload);
  return payload as JWTClaims & T;
}

const verified = new VerifiedTokens(1024);

function fingerprintOf(algorithms: readonly string[], options: VerifyOptions): string {
  const { audience, issuer, subject, requiredClaims } = options;
  return JSON.stringify([algorithms, audience, issuer, subject, requiredClaims]);
}

/** `exp`, `nbf` and `iat` against the clock, as jose checks them, plus `iat` not in the future. */
function checkTimes(claims: JWTPayload, skew: number): void {
  const now = Math.floor(Date.now() / 1000);
  if (typeof claims.exp === "number" && claims.exp <= now - skew)
    throw new InvalidTokenError("expired", '"exp" claim timestamp check failed');
  if (typeof claims.nbf === "number" && claims.nbf > now + skew)
    throw new InvalidTokenError("not_yet_valid", '"nbf" claim timestamp check failed');
  if (typeof claims.iat === "number" && claims.iat > now + skew)
    throw new InvalidTokenError("not_yet_valid", '"iat" is in the future');
}

function invalid(error: unknown, errors: Jose["errors"]): InvalidTokenError {
  const message = (error as Error).message ?? String(error);
  if (error instanceof errors.JWTExpired) return new InvalidTokenError("expired", message);
  if (error instanceof errors.JWTClaimValidationFailed) {
    const reason =
      error.claim === "nbf" || error.claim === "iat" ? "not_yet_valid" : "invalid_claim";
    return new InvalidTokenError(reason, message);
  }
  if (error instanceof errors.JOSEAlgNotAllowed || error instanceof errors.JOSENotSupported)
    return new InvalidTokenError("algorithm_not_allowed", message);
  if (error instanceof errors.JWSSignatureVerificationFailed)
    return new InvalidTokenError("invalid_signature", message);
  return new InvalidTokenError("malformed", message);
}

// Keys are converted once, since an app signs and verifies with the same few keys: strings and
// byte arrays to KeyObjects (for the checks), KeyObjects to the CryptoKeys jose verifies with
// (about twice as fast as handing jose a KeyObject, which it converts at every call).
type CryptoKey = webcrypto.CryptoKey;
const keyCache = new Map<string, KeyObject>();
const byteKeys = new WeakMap<Uint8Array, KeyObject>();
const publicKeys = new WeakMap<KeyObject, KeyObject>();
const cryptoKeys = new WeakMap<KeyObject, Map<string, Promise<CryptoKey>>>();

function cryptoKey(key: KeyObject, alg: string): Promise<CryptoKey> {
  let byAlg = cryptoKeys.get(key);
  if (byAlg === undefined) {
    byAlg = new Map();
    cryptoKeys.set(key, byAlg);
  }
  let found = byAlg.get(alg);
  if (found === undefined) {
    found = importKey(key, alg);
    byAlg.set(alg, found);
  }
  return found;
}

async function importKey(key: KeyObject, alg: string): Promise<CryptoKey> {
  if (key.type === "secret") {
    const hash = `SHA-${alg.slice(2)}`;
    return webcrypto.subtle.importKey("raw", key.export(), { name: "HMAC", hash }, false, [
      "sign",
      "verify",
    ]);
  }
  const { importPKCS8, importSPKI } = await jose();
  if (key.type === "public")
    return importSPKI(key.export({ type: "spki", format: "pem" }) as string, alg);
  return importPKCS8(key.export({ type: "pkcs8", format: "pem" }) as string, alg);
}

function keyFor(key: JWTKey, use: "sign" | "verify"): KeyObject {
  if (key instanceof KeyObject) {
    if (use === "sign" || key.type !== "private") return key;
    let derived = publicKeys.get(key);
    if (derived === undefined) {
      derived = createPublicKey(key);
      publicKeys.set(key, derived);
    }
    return derived;
  }
  if (key instanceof Uint8Array) {
    let secret = byteKeys.get(key);
    if (secret === undefined) {
      secret = createSecretKey(key);
      byteKeys.set(key, secret);
    }
    return secret;
  }
  if (typeof key !== "string" || key === "") {
    throw new TypeError("JWT key: give a secret string or bytes, a PEM string, or a KeyObject.");
  }
  const cacheKey = `${use}:${key}`;
  let cached = keyCache.get(cacheKey);
  if (cached === undefined) {
    if (!key.startsWith("-----BEGIN")) cached = createSecretKey(Buffer.from(key, "utf8"));
    else cached = use === "sign" ? createPrivateKey(key) : createPublicKey(key);
    if (keyCache.size >= 64) keyCache.clear();
    keyCache.set(cacheKey, cached);
  }
  return cached;
}

function defaultAlgorithm(key: KeyObject): JWTAlgorithm {
  if (key.type === "secret") return "HS256";
  const type = key.asymmetricKeyType;
  if (type === "rsa") return "RS256";
  if (type === "rsa-pss") return "PS256";
  if (type === "ed25519") return "EdDSA";
  if (type === "ec") {
    const alg = EC_ALGORITHMS[key.asymmetricKeyDetails?.namedCurve ?? ""];
    if (alg) return alg;
  }
  throw new TypeError(
    `JWT key: a ${type} key cannot sign JWTs; use RSA, EC (P-256/384/521) or Ed25519.`,
  );
}

/** Refuses an algorithm the key is not for: this is what stops algorithm confusion. */
function checkKey(alg: JWTAlgorithm, key: KeyObject): void {
  const minimum = HMAC_BYTES[alg];
  if (minimum !== undefined) {
    if (key.type !== "secret") {
      throw new TypeError(
        `JWT: ${alg} needs a secret, not a ${key.type} key. Use ${defaultAlgorithm(key)} for this key.`,
      );
    }
    if ((key.symmetricKeySize ?? 0) < minimum) {
      throw new TypeError(
        `JWT: a ${alg} secret must be at least ${minimum} bytes (RFC 7518 section 3.2); this one has ${key.symmetricKeySize}. ` +
          `Make one with: node -e "console.log(require('crypto').randomBytes(${minimum}).toString('hex'))"`,
      );
    }
    return;
  }
  const types = KEY_TYPES[alg.slice(0, 2)] ?? [];
  const fits =
    key.type !== "secret" &&
    types.includes(key.asymmetricKeyType ?? "") &&
    (key.asymmetricKeyType !== "ec" || defaultAlgorithm(key) === alg);
  if (!fits) {
    throw new TypeError(
      `JWT: ${alg} does not go with ${key.type === "secret" ? "a secret" : `this ${key.asymmetricKeyType} key`}. ` +
        `Pass the matching key (a PEM string or KeyObject), or choose the algorithm the key is for.`,
    );
  }
}

function span(value: number | string): string {
  return typeof value === "number" ? `${value}s` : value;
}
