// The README section proposed for security, as a test: it must keep working as written.
import {
  App,
  cors,
  depends,
  HTTPException,
  hashPassword,
  OAuth2PasswordBearer,
  OAuth2PasswordRequestForm,
  requireScopes,
  Security,
  SecurityScopes,
  signJWT,
  verifyJWT,
  verifyPassword,
} from "vial";
import { TestClient } from "vial/testing";
import { expect, test } from "vitest";

test("the README's OAuth2 + JWT example", async () => {
  const SECRET = process.env.SECRET_KEY ?? "dev-only-secret-of-at-least-32-bytes";
  const users = new Map([
    ["alice", { passwordHash: await hashPassword("wonderland"), scopes: ["me", "items"] }],
  ]);

  const oauth2 = new OAuth2PasswordBearer({
    tokenUrl: "token",
    scopes: { me: "Read your profile", items: "Read your items" },
  });
  const currentUser = depends(
    { securityScopes: SecurityScopes, token: oauth2 },
    async ({ securityScopes, token }) => {
      const claims = await verifyJWT<{ scopes: string[] }>(token, SECRET); // 401 if expired, tampered...
      requireScopes(securityScopes, claims.scopes); // 403 if a required scope is missing
      return claims.sub!;
    },
  );

  const app = new App();
  app.use(cors({ origins: ["https://app.example.com"], credentials: true }));
  app.post("/token", { deps: { login: OAuth2PasswordRequestForm } }, async ({ login }) => {
    const user = users.get(login.username);
    if (!user || !(await verifyPassword(login.password, user.passwordHash)))
      throw new HTTPException(401, "Incorrect username or password");
    const token = await signJWT({ sub: login.username, scopes: user.scopes }, SECRET);
    return { access_token: token, token_type: "bearer" };
  });
  app.get("/users/me", { deps: { user: Security(currentUser, ["me"]) } }, ({ user }) => ({ user }));

  const client = new TestClient(app);
  const login = await client.post("/token", {
    form: { username: "alice", password: "wonderland" },
  });
  const auth = { authorization: `Bearer ${login.json().access_token}` };
  const me = await client.get("/users/me", { headers: auth });
  expect([me.status, me.json()]).toEqual([200, { user: "alice" }]);
  const anonymous = await client.get("/users/me");
  expect([anonymous.status, anonymous.json()]).toEqual([401, { detail: "Not authenticated" }]);
  expect(anonymous.headers.get("www-authenticate")).toBe('Bearer scope="me"');
});
