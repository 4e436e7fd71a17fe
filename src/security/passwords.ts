import { createHmac, randomBytes, scrypt, timingSafeEqual } from "node:crypto";

/**
 * scrypt's cost parameters. The default, N = 2^15, r = 8, p = 3 (32 MiB per hash), is one of
 * OWASP's equivalent recommended settings (Password Storage Cheat Sheet); it takes about 0.3 s on
 * a slow core, 0.1 s on a fast one. Raise it as hardware gets faster: `needsRehash` then tells
 * which stored hashes to upgrade at the next login.
 */
export interface PasswordHashOptions {
  /** log2 of the CPU/memory cost N (default 15: N = 32768). */
  logN?: number;
  /** Block size (default 8). */
  r?: number;
  /** Parallelism (default 3). */
  p?: number;
}

const DEFAULTS: Required<PasswordHashOptions> = { logN: 15, r: 8, p: 3 };
// Refuse stored parameters that would make one verification a denial of service.
const LIMITS: Required<PasswordHashOptions> = { logN: 20, r: 32, p: 16 };
const SALT_BYTES = 16;
const KEY_BYTES = 32;
const FORMAT = /^\$scrypt\$ln=(\d+),r=(\d+),p=(\d+)\$([A-Za-z0-9+/]+)\$([A-Za-z0-9+/]+)$/;

interface Parsed extends Required<PasswordHashOptions> {
  salt: Buffer;
  key: Buffer;
}

/**
 * Hashes a password with scrypt (memory-hard, from node:crypto) and a random salt, into one
 * self-describing string (`$scrypt$ln=15,r=8,p=3$<salt>$<hash>`, PHC format) to store as is.
 *
 * @example
 * const stored = await hashPassword("correct horse battery staple");
 */
export async function hashPassword(
  password: string,
  options: PasswordHashOptions = {},
): Promise<string> {
  const params = { ...DEFAULTS, ...options };
  check(params, "hashPassword");
  const salt = randomBytes(SALT_BYTES);
  const key = await derive(password, salt, KEY_BYTES, params);
  return `$scrypt$ln=${params.logN},r=${params.r},p=${params.p}$${b64(salt)}$${b64(key)}`;
}

/**
 * Checks a password against a stored hash in constant time (`crypto.timingSafeEqual`). A hash
 * that is not one `hashPassword` made throws, so a corrupt record is noticed.
 *
 * @example
 * if (!(await verifyPassword(form.password, user.passwordHash))) throw new HTTPException(401, "Incorrect username or password");
 */
export async function verifyPassword(password: string, stored: string): Promise<boolean> {
  const parsed = parse(stored);
  const key = await derive(password, parsed.salt, parsed.key.length, parsed);
  return timingSafeEqual(key, parsed.key);
}

/**
 * Whether a stored hash was made with other parameters than `options` (the defaults if not
 * given): after a successful login, hash the password again and store the new hash.
 *
 * @example
 * if (needsRehash(user.passwordHash)) await users.setPassword(user.id, await hashPassword(password));
 */
export function needsRehash(stored: string, options: PasswordHashOptions = {}): boolean {
  const wanted = { ...DEFAULTS, ...options };
  let parsed: Parsed;
  try {
    parsed = parse(stored);
  } catch {
    return true;
  }
  return (
    parsed.logN !== wanted.logN ||
    parsed.r !== wanted.r ||
    parsed.p !== wanted.p ||
    parsed.key.length !== KEY_BYTES
  );
}

// A per-process key: both sides are hashed to the same length, so comparing them takes the
// same time whatever their lengths, and timingSafeEqual never sees unequal lengths.
const COMPARE_KEY = randomBytes(32);

/**
 * Compares two secrets (API keys, tokens) in constant time, whatever their lengths. Use it
 * instead of `===`, which returns as soon as a character differs and so leaks how much of a
 * guess was right.
 *
 * @example
 * if (!safeCompare(key, process.env.ADMIN_API_KEY!)) throw new HTTPException(401, "Invalid API key");
 */
export function safeCompare(a: string | Uint8Array, b: string | Uint8Array): boolean {
  const left = createHmac("sha256", COMPARE_KEY).update(a).digest();
  const right = createHmac("sha256", COMPARE_KEY).update(b).digest();
  return timingSafeEqual(left, right);
}

function parse(stored: string): Parsed {
  const match = typeof stored === "string" ? FORMAT.exec(stored) : null;
  if (!match) {
    throw new TypeError(
      "verifyPassword: the stored hash is not one hashPassword() made ($scrypt$ln=..,r=..,p=..$salt$hash).",
    );
  }
  const parsed = {
    logN: Number(match[1]),
    r: Number(match[2]),
    p: Number(match[3]),
    salt: Buffer.from(match[4]!, "base64"),
    key: Buffer.from(match[5]!, "base64"),
  };
  check(parsed, "verifyPassword");
  return parsed;
}

function check(params: Required<PasswordHashOptions>, where: string): void {
  for (const name of ["logN", "r", "p"] as const) {
    const value = params[name];
    if (!Number.isInteger(value) || value < 1 || value > LIMITS[name]) {
      throw new TypeError(
        `${where}: scrypt parameter ${name}=${value} is out of range (1..${LIMITS[name]}).`,
      );
    }
  }
}

function derive(
  password: string,
  salt: Buffer,
  length: number,
  { logN, r, p }: Required<PasswordHashOptions>,
): Promise<Buffer> {
  const N = 2 ** logN;
  return new Promise((resolve, reject) => {
    scrypt(
      password.normalize("NFKC"),
      salt,
      length,
      { N, r, p, maxmem: 256 * N * r + (1 << 20) },
      (error, key) => (error ? reject(error) : resolve(key)),
    );
  });
}

function b64(bytes: Buffer): string {
  return bytes.toString("base64").replace(/=+$/, "");
}
