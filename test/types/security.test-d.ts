import {
  APIKeyHeader,
  App,
  depends,
  type HTTPAuthorizationCredentials,
  HTTPBasic,
  type HTTPBasicCredentials,
  HTTPBearer,
  type JWTClaims,
  OAuth2PasswordBearer,
  type OAuth2PasswordRequest,
  OAuth2PasswordRequestForm,
  verifyJWT,
} from "vial";
import * as security from "vial/security";
import { describe, expectTypeOf, test } from "vitest";

describe("security scheme values", () => {
  test("are typed by scheme", () => {
    const app = new App();
    app.get(
      "/",
      {
        deps: {
          bearer: new HTTPBearer(),
          basic: new HTTPBasic({ realm: "r" }),
          token: new OAuth2PasswordBearer({ tokenUrl: "token" }),
          key: new APIKeyHeader({ name: "x-key" }),
          login: OAuth2PasswordRequestForm,
        },
      },
      ({ bearer, basic, token, key, login }) => {
        expectTypeOf(bearer).toEqualTypeOf<HTTPAuthorizationCredentials>();
        expectTypeOf(basic).toEqualTypeOf<HTTPBasicCredentials>();
        expectTypeOf(token).toEqualTypeOf<string>();
        expectTypeOf(key).toEqualTypeOf<string>();
        expectTypeOf(login).toEqualTypeOf<OAuth2PasswordRequest>();
        return "ok";
      },
    );
  });

  test("autoError: false adds undefined", () => {
    const optional = new OAuth2PasswordBearer({ tokenUrl: "token", autoError: false });
    depends({ token: optional }, ({ token }) => {
      expectTypeOf(token).toEqualTypeOf<string | undefined>();
    });
    depends({ creds: new HTTPBasic({ autoError: false }) }, ({ creds }) => {
      expectTypeOf(creds).toEqualTypeOf<HTTPBasicCredentials | undefined>();
    });
  });

  test("verifyJWT takes the claims' type", async () => {
    const claims = await verifyJWT<{ scopes: string[] }>("t", "s");
    expectTypeOf(claims.scopes).toEqualTypeOf<string[]>();
    expectTypeOf(claims).toExtend<JWTClaims>();
  });

  test("vial/security exports the same classes", () => {
    expectTypeOf(security.HTTPBearer).toEqualTypeOf(HTTPBearer);
    expectTypeOf(security.cors).toBeFunction();
    // @ts-expect-error tokenUrl is required
    new OAuth2PasswordBearer({});
    // @ts-expect-error name is required
    new APIKeyHeader({});
  });
});
