import { App, ConfigurationError, depends, Router } from "vial";
import { describe, expect, test } from "vitest";

const value = depends(() => 1);

describe("reserved keys", () => {
  test("a route's deps cannot use a context key", () => {
    const app = new App();
    expect(() => app.get("/", { deps: { body: value } as never }, () => "x")).toThrow(
      "Route GET /: 'body' cannot name a dependency: the context already uses it.",
    );
  });

  test.each(["request", "response", "background", "app", "state", "session", "render", "urlFor"])(
    "'%s' is refused in a route's deps",
    (key) => {
      const app = new App();
      expect(() => app.get("/", { deps: { [key]: value } as never }, () => "x")).toThrow(
        ConfigurationError,
      );
    },
  );

  test("a router's deps cannot use a context key", () => {
    expect(() => new Router({ prefix: "/r", deps: { request: value } as never })).toThrow(
      "Router /r: 'request' cannot name a dependency",
    );
  });

  test("include deps cannot use a context key", () => {
    const app = new App();
    expect(() => app.include(new Router(), { deps: { state: value } as never })).toThrow(
      "include(/): 'state' cannot name a dependency",
    );
  });

  test("the app's deps cannot use a context key: a startup error naming the route", async () => {
    const app = new App({ deps: { query: value } as never });
    app.get("/", () => "x");
    await expect(app.startup()).rejects.toThrow("Route GET /: 'query' cannot name a dependency");
  });

  test("depends() refuses a sub-dependency under a context key", () => {
    expect(() => depends({ response: value } as never, () => 1)).toThrow(
      "depends(): 'response' cannot name a dependency",
    );
  });

  test("depends() refuses a spec entry that is neither an input nor a dependency", () => {
    expect(() => depends({ user: (() => 1) as never }, () => 1)).toThrow(
      "depends(): 'user' is neither an input",
    );
  });
});
