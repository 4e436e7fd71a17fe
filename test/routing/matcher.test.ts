import { describe, expect, test } from "vitest";
import { type Matcher, RadixMatcher } from "../../src/routing/matcher.js";
import { parsePath } from "../../src/routing/path.js";

// The behaviour any Matcher implementation must have; add implementations to this list.
const implementations: [string, () => Matcher<string>][] = [
  ["RadixMatcher", () => new RadixMatcher<string>()],
];

describe.each(implementations)("%s", (_name, make) => {
  const build = (routes: [string, string][]): Matcher<string> => {
    const matcher = make();
    for (const [method, path] of routes) matcher.add(method, parsePath(path), `${method} ${path}`);
    return matcher;
  };

  test("matches static paths exactly", () => {
    const m = build([
      ["GET", "/items"],
      ["GET", "/items/"],
    ]);
    expect(m.find("GET", "/items")?.value).toBe("GET /items");
    expect(m.find("GET", "/items/")?.value).toBe("GET /items/");
    expect(m.find("GET", "/item")).toBeNull();
    expect(m.find("POST", "/items")).toBeNull();
  });

  test("captures parameters, decoded", () => {
    const m = build([["GET", "/users/{id}/posts/{post}"]]);
    const hit = m.find("GET", "/users/4%202/posts/x");
    expect(hit?.value).toBe("GET /users/{id}/posts/{post}");
    expect({ ...hit?.params }).toEqual({ id: "4 2", post: "x" });
  });

  test("a static segment wins over a parameter", () => {
    const m = build([
      ["GET", "/users/{id}"],
      ["GET", "/users/me"],
    ]);
    expect(m.find("GET", "/users/me")?.value).toBe("GET /users/me");
    expect(m.find("GET", "/users/7")?.value).toBe("GET /users/{id}");
  });

  test("static and parameter routes whose paths are as long as each other", () => {
    const long = `/${"a".repeat(3000)}`;
    const m = build([
      ["GET", "/users/{id}"],
      ["GET", "/users/me"],
      ["POST", "/users/42"],
      ["GET", long],
    ]);
    expect(m.find("GET", "/users/me")?.value).toBe("GET /users/me");
    expect(m.find("GET", "/users/mf")?.value).toBe("GET /users/{id}");
    expect(m.find("GET", "/users/42")?.value).toBe("GET /users/{id}");
    expect(m.find("POST", "/users/42")?.value).toBe("POST /users/42");
    expect(m.find("POST", "/users/43")).toBeNull();
    expect(m.find("GET", long)?.value).toBe(`GET ${long}`);
    expect(m.find("GET", `${long.slice(0, -1)}b`)).toBeNull();
  });

  test("{name:path} catches the rest of the path, slashes included", () => {
    const m = build([["GET", "/files/{rest:path}"]]);
    const hit = m.find("GET", "/files/a/b/c.txt");
    expect(hit?.value).toBe("GET /files/{rest:path}");
    expect(hit?.params["*"]).toBe("a/b/c.txt");
  });

  test("parameters do not match across slashes or empty segments", () => {
    const m = build([["GET", "/users/{id}"]]);
    expect(m.find("GET", "/users/1/2")).toBeNull();
    expect(m.find("GET", "/users/")).toBeNull();
  });

  test("methodsFor lists every method answering a path", () => {
    const m = build([
      ["GET", "/x/{id}"],
      ["DELETE", "/x/{id}"],
      ["POST", "/y"],
    ]);
    expect(m.methodsFor("/x/1").sort()).toEqual(["DELETE", "GET"]);
    expect(m.methodsFor("/z")).toEqual([]);
  });

  test("the same method and path twice is refused", () => {
    expect(() =>
      build([
        ["GET", "/a"],
        ["GET", "/a"],
      ]),
    ).toThrow(/registered twice/);
    expect(() =>
      build([
        ["GET", "/a/{x}"],
        ["GET", "/a/{y}"],
      ]),
    ).toThrow(/registered twice|GET \/a/);
  });

  test("literal colons in paths are not parameters", () => {
    const m = build([["GET", "/v1/items:batch"]]);
    expect(m.find("GET", "/v1/items:batch")?.value).toBe("GET /v1/items:batch");
  });

  test("matching time does not depend on route count (1,000 routes still match)", () => {
    const routes: [string, string][] = [];
    for (let i = 0; i < 1000; i++) routes.push(["GET", `/r${i}/{id}`]);
    const m = build(routes);
    expect(m.find("GET", "/r999/5")?.params.id).toBe("5");
  });
});
