import {
  APIKeyHeader,
  type App,
  depends,
  HTTPException,
  hashPassword,
  needsRehash,
  OAuth2PasswordBearer,
  type OAuth2PasswordRequest,
  OAuth2PasswordRequestForm,
  requireScopes,
  Security,
  SecurityScopes,
  safeCompare,
  signJWT,
  verifyJWT,
  verifyPassword,
  z,
} from "vial";
import type { AccountStore } from "./accounts.js";
import type { UserStore } from "./store.js";

export interface UsersState {
  users: UserStore;
  accounts: AccountStore;
}

export interface AuthOptions {
  /** Signs the access tokens (HS256, at least 32 bytes). */
  secretKey: string;
  /** The key `X-API-Key` must carry on /admin routes. */
  adminKey: string;
  /** How long an access token lasts (default "30m"). */
  tokenLifetime?: string;
}

const Token = z.object({ access_token: z.string(), token_type: z.literal("bearer") });
const AccountOut = z.object({
  username: z.string(),
  fullName: z.string(),
  scopes: z.array(z.string()),
  disabled: z.boolean(),
});

// Checked against when the user name is unknown, so both failures take as long.
const DUMMY_HASH =
  "$scrypt$ln=15,r=8,p=3$ihKdQGJZ31IUKuyoiTTuhQ$1uEUX11vcpkdj4O349ZZsIJf8RPMDJ7Kx7GGewpDbl4";

/**
 * Adds the OAuth2 password flow with JWTs to the users API: `POST /token`, `GET /users/me`,
 * `GET /reports/users` (scope `reports`) and `GET /admin/accounts` (an API key).
 */
export function addAuth(app: App<UsersState>, options: AuthOptions): void {
  const { currentAccount, adminOnly } = authDependencies(app, options);

  app.post(
    "/token",
    { deps: { login: OAuth2PasswordRequestForm }, response: Token, tags: ["auth"] },
    async ({ login }) => ({
      access_token: await issueToken(app.state.accounts, login, options),
      token_type: "bearer" as const,
    }),
  );

  app.get(
    "/users/me",
    { deps: { account: Security(currentAccount, ["me"]) }, response: AccountOut, tags: ["auth"] },
    ({ account }) => account,
  );

  app.get(
    "/reports/users",
    { deps: { account: Security(currentAccount, ["reports"]) }, tags: ["reports"] },
    ({ account }) => ({ total: app.state.users.count(), requestedBy: account.username }),
  );

  app.get(
    "/admin/accounts",
    { deps: [adminOnly], response: z.array(AccountOut), tags: ["admin"] },
    () => app.state.accounts.list(),
  );
}

/** The logged-in account (from a bearer JWT, with the scopes `Security` asks for); the admin key check. */
function authDependencies(app: App<UsersState>, options: AuthOptions) {
  const oauth2 = new OAuth2PasswordBearer({
    tokenUrl: "token",
    scopes: { me: "Read your own account", reports: "Read reports about the users" },
  });

  const currentAccount = depends(
    { securityScopes: SecurityScopes, token: oauth2 },
    async ({ securityScopes, token }) => {
      const claims = await verifyJWT<{ scopes?: string[] }>(token, options.secretKey);
      const account = claims.sub ? app.state.accounts.get(claims.sub) : undefined;
      if (!account || account.disabled) {
        throw new HTTPException(401, "Could not validate credentials", {
          "WWW-Authenticate": "Bearer",
        });
      }
      requireScopes(securityScopes, claims.scopes);
      return account;
    },
  );

  const adminOnly = depends(
    { key: new APIKeyHeader({ name: "X-API-Key" }) },
    function adminOnly({ key }) {
      if (!safeCompare(key, options.adminKey)) {
        throw new HTTPException(401, "Invalid API key", { "WWW-Authenticate": "APIKey" });
      }
    },
  );
  return { currentAccount, adminOnly };
}

/** Checks the password and signs a token with the scopes asked for and allowed. */
async function issueToken(
  accounts: AccountStore,
  login: OAuth2PasswordRequest,
  options: AuthOptions,
): Promise<string> {
  const account = accounts.get(login.username);
  const valid = await verifyPassword(login.password, account?.passwordHash ?? DUMMY_HASH);
  if (!account || !valid || account.disabled) {
    throw new HTTPException(401, "Incorrect username or password", {
      "WWW-Authenticate": "Bearer",
    });
  }
  if (needsRehash(account.passwordHash))
    accounts.setPasswordHash(account.username, await hashPassword(login.password));
  // Grant what was asked for and is allowed; everything allowed when nothing was asked.
  const scopes = login.scopes.length
    ? login.scopes.filter((scope) => account.scopes.includes(scope))
    : account.scopes;
  return signJWT({ sub: account.username, scopes }, options.secretKey, {
    expiresIn: options.tokenLifetime ?? "30m",
  });
}
