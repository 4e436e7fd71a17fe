import { describe, expect, test } from "vitest";
import { REDOC_INSTALLED, redocMissingHTML } from "../../src/openapi/ui.js";

// ReDoc is an optional peer dependency (its bundle brings ~85 MB of React): /redoc says how to
// add it when it is missing. The project's own tests run with it installed.
describe("ReDoc as an optional peer dependency", () => {
  test("installed here, as a dev dependency", () => {
    expect(REDOC_INSTALLED).toBe(true);
  });

  test("without it, the page says how to install it and links Swagger UI", () => {
    const page = redocMissingHTML({
      title: "Shop",
      openapiUrl: "/openapi.json",
      pageUrl: "/redoc",
      options: {},
      faviconUrl: undefined,
      swaggerUrl: "/docs",
    });
    const html = String(page.body);
    expect(page.status).toBe(200);
    expect(html).toContain("npm install redoc@2");
    expect(html).toContain('<a href="/docs">');
  });
});
