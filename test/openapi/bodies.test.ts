import { App, depends, z } from "vial";
import { describe, expect, test } from "vitest";

function operation(app: App<any>, path: string, method = "post") {
  const found = app.openapi().paths[path]?.[method];
  if (!found) throw new Error(`no ${method} ${path} in the document`);
  return found;
}

describe("request bodies", () => {
  test("a JSON body: application/json with the input schema, required", () => {
    const app = new App();
    app.post(
      "/users/",
      { body: z.object({ name: z.string().min(1), admin: z.boolean().default(false) }) },
      ({ body }) => body,
    );
    expect(operation(app, "/users/").requestBody).toEqual({
      content: {
        "application/json": {
          schema: {
            type: "object",
            properties: {
              name: { type: "string", minLength: 1 },
              admin: { type: "boolean", default: false },
            },
            required: ["name"],
          },
        },
      },
      required: true,
    });
  });

  test("an optional JSON body is not required; a record of fields is an object", () => {
    const app = new App();
    app.post("/a", { body: z.object({ n: z.int() }).optional() }, () => 1);
    app.post("/b", { body: { n: z.int() } }, () => 1);
    expect(operation(app, "/a").requestBody!.required).toBe(false);
    expect(operation(app, "/b").requestBody).toEqual({
      content: {
        "application/json": {
          schema: { type: "object", properties: { n: { type: "integer" } }, required: ["n"] },
        },
      },
      required: true,
    });
  });

  test("a form: application/x-www-form-urlencoded with its fields", () => {
    const app = new App();
    app.post(
      "/login",
      { form: { username: z.string(), password: z.string(), remember: z.boolean().optional() } },
      () => 1,
    );
    expect(operation(app, "/login").requestBody).toEqual({
      content: {
        "application/x-www-form-urlencoded": {
          schema: {
            type: "object",
            properties: {
              username: { type: "string" },
              password: { type: "string" },
              remember: { type: "boolean" },
            },
            required: ["username", "password"],
          },
        },
      },
      required: true,
    });
  });

  test("files make the form multipart/form-data, each file field binary", () => {
    const app = new App();
    app.post(
      "/upload",
      {
        form: { title: z.string() },
        files: {
          cover: z.file().describe("The front cover"),
          pages: z.array(z.file()),
          extra: z.file().optional(),
        },
      },
      () => 1,
    );
    expect(operation(app, "/upload").requestBody).toEqual({
      content: {
        "multipart/form-data": {
          schema: {
            type: "object",
            properties: {
              title: { type: "string" },
              cover: { type: "string", format: "binary", description: "The front cover" },
              pages: { type: "array", items: { type: "string", format: "binary" } },
              extra: { type: "string", format: "binary" },
            },
            required: ["title", "cover", "pages"],
          },
        },
      },
      required: true,
    });
    expect(operation(app, "/upload").responses["422"]).toBeDefined();
  });

  test("a form of optional fields is not a required body", () => {
    const app = new App();
    app.post("/prefs", { form: { theme: z.string().optional() } }, () => 1);
    expect(operation(app, "/prefs").requestBody!.required).toBe(false);
  });

  test("a body declared by a dependency is documented like the route's own", () => {
    const credentials = depends(
      { form: { username: z.string(), password: z.string() } },
      ({ form }) => form,
    );
    const payload = depends({ body: z.object({ text: z.string() }) }, ({ body }) => body);
    const app = new App();
    app.post("/token", { deps: { credentials } }, () => 1);
    app.post("/notes", { deps: { payload } }, () => 1);
    expect(Object.keys(operation(app, "/token").requestBody!.content)).toEqual([
      "application/x-www-form-urlencoded",
    ]);
    expect(operation(app, "/notes").requestBody!.content["application/json"]!.schema).toEqual({
      type: "object",
      properties: { text: { type: "string" } },
      required: ["text"],
    });
  });

  test("a dependency used twice without caching documents its body once", () => {
    const note = depends({ body: z.object({ text: z.string() }) }, ({ body }) => body, {
      cache: false,
    });
    const twice = depends({ a: note, b: note }, ({ a }) => a);
    const app = new App();
    app.post("/notes", { deps: { twice } }, () => 1);
    expect(operation(app, "/notes").requestBody!.content["application/json"]!.schema).toEqual({
      type: "object",
      properties: { text: { type: "string" } },
      required: ["text"],
    });
  });

  test("JSON bodies read by both the route and a dependency are both required (allOf)", () => {
    const meta = depends({ body: z.object({ trace: z.string().optional() }) }, ({ body }) => body);
    const app = new App();
    app.post("/x", { body: z.object({ n: z.int() }), deps: { meta } }, () => 1);
    expect(operation(app, "/x").requestBody!.content["application/json"]!.schema).toEqual({
      allOf: [
        { type: "object", properties: { n: { type: "integer" } }, required: ["n"] },
        { type: "object", properties: { trace: { type: "string" } } },
      ],
    });
  });
});
