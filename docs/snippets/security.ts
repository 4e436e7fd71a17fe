import assert from "node:assert/strict";
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

const SECRET = process.env.SECRET_KEY ?? "dev-only-secret-of-at-least-32-bytes";
const users = new Map([
  ["alice", { passwordHash: await hashPassword("wonderland"), scopes: ["me"] }],
]);

// The seed's FastAPI security example: OAuth2 password flow with JWT, and scopes.
const oauth2 = new OAuth2PasswordBearer({ tokenUrl: "token", scopes: { me: "Read your profile" } });
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
  if (!user || !(await verifyPassword(login.password, user.passwordHash))) {
    throw new HTTPException(401, "Incorrect username or password");
  }
  return {
    access_token: await signJWT({ sub: login.username, scopes: user.scopes }, SECRET),
    token_type: "bearer",
  };
});
app.get("/secure", { deps: { user: Security(currentUser, ["me"]) } }, ({ user }) => ({
  access: "granted",
  user,
}));

const client = new TestClient(app);
const login = await client.post("/token", { form: { username: "alice", password: "wonderland" } });
const secure = await client.get("/secure", {
  headers: { authorization: `Bearer ${login.json().access_token}` },
});
assert.deepEqual(secure.json(), { access: "granted", user: "alice" });

const anonymous = await client.get("/secure");
assert.equal(anonymous.status, 401);
assert.deepEqual(anonymous.json(), { detail: "Not authenticated" });
assert.equal(anonymous.headers.get("www-authenticate"), 'Bearer scope="me"');
