import { App, Router, z } from "vial";
import { describe, expect, test } from "vitest";

function operation(app: App<any>, path: string, method = "get") {
  const found = app.openapi().paths[path]?.[method];
  if (!found) throw new Error(`no ${method} ${path} in the document`);
  return found;
}

const Message = z.object({ detail: z.string() }).meta({ id: "Message" });

describe("responses", () => {
  test("the route's status with its response schema, output side", () => {
    const app = new App();
    app.post(
      "/users/",
      {
        body: z.object({ name: z.string() }),
        status: 201,
        response: z.object({ name: z.string(), tags: z.array(z.string()).default([]) }),
      },
      ({ body }) => body,
    );
    expect(operation(app, "/users/", "post").responses["201"]).toEqual({
      description: "Successful Response",
      content: {
        "application/json": {
          schema: {
            type: "object",
            properties: {
              name: { type: "string" },
              tags: { type: "array", items: { type: "string" }, default: [] },
            },
            // A default is always there in the response.
            required: ["name", "tags"],
          },
        },
      },
    });
  });

  test("without a response schema: FastAPI's 200 with an any-value schema", () => {
    const app = new App();
    app.get("/", () => ({ message: "Hello, World!" }));
    expect(operation(app, "/").responses).toEqual({
      "200": {
        description: "Successful Response",
        content: { "application/json": { schema: {} } },
      },
    });
  });

  test("204 has no content", () => {
    const app = new App();
    app.delete("/users/{id}", { status: 204 }, () => undefined);
    expect(operation(app, "/users/{id}", "delete").responses["204"]).toEqual({
      description: "Successful Response",
    });
  });

  test("422 uses FastAPI's HTTPValidationError and ValidationError, exactly", () => {
    const app = new App();
    app.get("/items/{id}", { params: { id: z.int() } }, () => 1);
    const document = app.openapi();
    expect(document.paths["/items/{id}"]!.get!.responses["422"]).toEqual({
      description: "Validation Error",
      content: {
        "application/json": { schema: { $ref: "#/components/schemas/HTTPValidationError" } },
      },
    });
    expect(document.components!.schemas).toEqual({
      HTTPValidationError: {
        properties: {
          detail: {
            items: { $ref: "#/components/schemas/ValidationError" },
            type: "array",
            title: "Detail",
          },
        },
        type: "object",
        title: "HTTPValidationError",
      },
      ValidationError: {
        properties: {
          loc: {
            items: { anyOf: [{ type: "string" }, { type: "integer" }] },
            type: "array",
            title: "Location",
          },
          msg: { type: "string", title: "Message" },
          type: { type: "string", title: "Error Type" },
          input: { title: "Input" },
          ctx: { type: "object", additionalProperties: true, title: "Context" },
        },
        type: "object",
        required: ["loc", "msg", "type"],
        title: "ValidationError",
      },
    });
  });

  test("extra responses with a model, a description, other media types and headers", () => {
    const app = new App();
    app.get(
      "/items/{id}",
      {
        params: { id: z.int() },
        responses: {
          404: { model: Message, description: "No such item" },
          304: { description: "Not modified", headers: { ETag: { schema: { type: "string" } } } },
          200: { content: { "image/png": {} }, description: "The item, or its picture" },
          "5XX": { model: Message },
          default: {},
        },
      },
      () => 1,
    );
    const responses = operation(app, "/items/{id}").responses;
    expect(responses["404"]).toEqual({
      description: "No such item",
      content: { "application/json": { schema: { $ref: "#/components/schemas/Message" } } },
    });
    expect(responses["304"]).toEqual({
      description: "Not modified",
      headers: { ETag: { schema: { type: "string" } } },
    });
    expect(responses["200"]).toEqual({
      description: "The item, or its picture",
      content: { "application/json": { schema: {} }, "image/png": {} },
    });
    expect(responses["5XX"]!.description).toBe("Additional Response");
    expect(responses.default!.description).toBe("Default Response");
    expect(app.openapi().components!.schemas!.Message).toEqual({
      type: "object",
      properties: { detail: { type: "string" } },
      required: ["detail"],
    });
  });

  test("an extra response without a description gets the status's reason phrase", () => {
    const app = new App();
    app.get("/x", { responses: { 409: { model: Message } } }, () => 1);
    expect(operation(app, "/x").responses["409"]!.description).toBe("Conflict");
  });

  test("a route declaring its own 422 (or 4XX, or default) keeps it", () => {
    const app = new App();
    app.get(
      "/x",
      { query: { q: z.string() }, responses: { 422: { model: Message, description: "Bad" } } },
      () => 1,
    );
    expect(operation(app, "/x").responses["422"]).toEqual({
      description: "Bad",
      content: { "application/json": { schema: { $ref: "#/components/schemas/Message" } } },
    });
    expect(app.openapi().components!.schemas!.HTTPValidationError).toBeUndefined();
  });

  test("responses of routers and includes are added to their routes'", () => {
    const items = new Router({ prefix: "/items", responses: { 404: { description: "Missing" } } });
    items.get("/{id}", { responses: { 403: { description: "Forbidden here" } } }, () => 1);
    const app = new App();
    app.include(items, { responses: { 418: { description: "teapot" } } });
    expect(Object.keys(operation(app, "/items/{id}").responses)).toEqual([
      "200",
      "403",
      "404",
      "418",
    ]);
  });

  test("a responses key that is not a status is a startup error naming the route", async () => {
    const app = new App();
    app.get("/x", { responses: { teapot: { description: "?" } } }, () => 1);
    const message =
      'Route GET /x: `responses` has the key \'teapot\', which is not a status. Use a status code (404), a range ("4XX") or "default".';
    expect(() => app.openapi()).toThrow(message);
    await expect(app.startup()).rejects.toThrow(message);
  });

  test("a response that is not an object is refused with the fix", () => {
    const app = new App();
    app.get("/x", { responses: { 404: "missing" as never } }, () => 1);
    expect(() => app.openapi()).toThrow(
      'Route GET /x: `responses[404]` must be an object like { description: "Not found", model: Message }.',
    );
  });
});
