import * as vial from "vial";
import * as security from "vial/security";
import { expect, test } from "vitest";

test("vial/security exports the same objects as vial", () => {
  const names = Object.keys(security);
  expect(names.sort()).toEqual(
    [
      "APIKeyCookie",
      "APIKeyHeader",
      "APIKeyQuery",
      "HTTPBasic",
      "HTTPBearer",
      "InvalidTokenError",
      "OAuth2PasswordBearer",
      "OAuth2PasswordRequestForm",
      "OAuth2PasswordRequestFormStrict",
      "Security",
      "SecurityScheme",
      "SecurityScopes",
      "cors",
      "hashPassword",
      "needsRehash",
      "requireScopes",
      "safeCompare",
      "signJWT",
      "verifyJWT",
      "verifyPassword",
    ].sort(),
  );
  const fromVial = new Map(Object.entries(vial));
  for (const [name, value] of Object.entries(security))
    expect(fromVial.get(name), name).toBe(value);
});
