import createClient from "openapi-fetch";
import { App, type AppOptions, type OpenAPIDocument, type OperationObject } from "vial";
import { describe, expectTypeOf, test } from "vitest";
import type { paths } from "../openapi/__snapshots__/users.openapi.js";

describe("the App's OpenAPI options and document", () => {
  test("app.openapi() is an OpenAPI document", () => {
    const document = new App().openapi();
    expectTypeOf(document).toEqualTypeOf<OpenAPIDocument>();
    expectTypeOf(document.openapi).toEqualTypeOf<"3.1.0">();
    expectTypeOf(document.paths["/users/"]!.post!).toEqualTypeOf<OperationObject>();
    expectTypeOf(document.paths["/x"]!.get!.security).toEqualTypeOf<Record<string, string[]>[]>();
  });

  test("URLs are strings or null; the metadata follows OpenAPI", () => {
    new App({ openapiUrl: null, docsUrl: "/api/docs", redocUrl: null, rootPath: "/api" });
    new App({
      summary: "s",
      contact: { name: "n", url: "https://x.org", email: "a@x.org" },
      license: { name: "MIT", identifier: "MIT" },
      servers: [{ url: "https://api.x.org", description: "prod" }],
      openapiTags: [
        { name: "users", description: "People", externalDocs: { url: "https://x.org" } },
      ],
      swaggerUiParameters: { deepLinking: false },
      redocOptions: { hideDownloadButton: true },
    });
    // @ts-expect-error a URL is a string
    new App({ docsUrl: 1 });
    // @ts-expect-error a license has a name
    new App({ license: { identifier: "MIT" } });
    // @ts-expect-error a tag has a name
    new App({ openapiTags: [{ description: "x" }] });
    expectTypeOf<AppOptions<{}>["docsUrl"]>().toEqualTypeOf<string | null | undefined>();
  });
});

describe("types openapi-typescript generates from the demo's document", () => {
  type CreateUser = paths["/users/"]["post"];

  test("the request body is the input schema", () => {
    expectTypeOf<CreateUser["requestBody"]["content"]["application/json"]>().toEqualTypeOf<{
      username: string;
      email: string;
      age: number;
    }>();
  });

  test("the 201 response is the response schema; the 422 is FastAPI's", () => {
    expectTypeOf<CreateUser["responses"][201]["content"]["application/json"]>().toEqualTypeOf<{
      id: number;
      username: string;
      email: string;
      age: number;
    }>();
    type Invalid = CreateUser["responses"][422]["content"]["application/json"];
    expectTypeOf<NonNullable<Invalid["detail"]>[number]["loc"]>().toEqualTypeOf<
      (string | number)[]
    >();
  });

  test("query parameters of a dependency are optional with their defaults", () => {
    expectTypeOf<paths["/users/"]["get"]["parameters"]["query"]>().toEqualTypeOf<
      { skip?: number; limit?: number } | undefined
    >();
  });

  test("openapi-fetch checks calls against them", () => {
    const client = createClient<paths>({ baseUrl: "http://127.0.0.1:8000" });
    client.POST("/users/", { body: { username: "ann", email: "a@b.co", age: 3 } });
    // @ts-expect-error age is required
    client.POST("/users/", { body: { username: "ann", email: "a@b.co" } });
    // @ts-expect-error the path parameter is a number
    client.GET("/users/{id}", { params: { path: { id: "one" } } });
    // @ts-expect-error no such path
    client.GET("/people/");
  });
});
