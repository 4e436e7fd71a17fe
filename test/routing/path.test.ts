import { describe, expect, test } from "vitest";
import { joinPath, parsePath } from "../../src/routing/path.js";

describe("parsePath", () => {
  test("finds parameters and builds the matcher pattern", () => {
    const t = parsePath("/users/{id}/files/{rest:path}");
    expect(t.names).toEqual(["id", "rest"]);
    expect(t.pattern).toBe("/users/:id/files/*");
    expect([...t.keys]).toEqual([
      ["id", "id"],
      ["rest", "*"],
    ]);
  });

  test.each([
    ["users", /must start with '\/'/],
    ["/a/{id}/{id}", /twice/],
    ["/a/{rest:path}/b", /must come last/],
    ["/a/{1x}", /not a valid parameter/],
    ["/a/{id:int}", /unknown converter ':int'.*params/],
    ["/a/*", /'\*' is not allowed/],
  ])("refuses %s", (path, message) => {
    expect(() => parsePath(path)).toThrow(message);
  });

  test("joinPath keeps the route's trailing slash", () => {
    expect(joinPath("/api", "/users/")).toBe("/api/users/");
    expect(joinPath("/api/", "/users")).toBe("/api/users");
    expect(joinPath("", "/x")).toBe("/x");
  });
});
