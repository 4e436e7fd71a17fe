// The docs pages in a real browser: Debian's chromium driven by playwright-core. The demo runs on
// a free port; every request the browser makes is recorded, and none may leave the server.
import { existsSync } from "node:fs";
import { mkdir } from "node:fs/promises";
import type { AddressInfo } from "node:net";
import { fileURLToPath } from "node:url";
import { type Browser, type BrowserContext, chromium, type Page } from "playwright-core";
import { App, z } from "vial";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { createApp } from "../../examples/users/app.js";

const CHROMIUM = "/usr/bin/chromium";
const SCREENSHOTS = fileURLToPath(new URL("../../.screenshots/", import.meta.url));

let browser: Browser;

beforeAll(async () => {
  if (!existsSync(CHROMIUM)) {
    throw new Error(
      `${CHROMIUM} is missing: install Debian's chromium (apt-get install -y chromium).`,
    );
  }
  await mkdir(SCREENSHOTS, { recursive: true });
  browser = await chromium.launch({
    executablePath: CHROMIUM,
    args: ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking"],
  });
});

afterAll(async () => {
  await browser?.close();
});

interface Session {
  base: string;
  page: Page;
  /** Every URL the browser asked for, page and workers alike. */
  requests: string[];
  /** Errors thrown by the page's scripts. */
  errors: string[];
  close(): Promise<void>;
}

/** Starts `app` on a free port and opens a fresh browser context that records its requests. */
async function open(app: App<any>): Promise<Session> {
  const server = await app.listen({ port: 0, host: "127.0.0.1" });
  const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const context: BrowserContext = await browser.newContext({
    viewport: { width: 1280, height: 900 },
  });
  const requests: string[] = [];
  const errors: string[] = [];
  context.on("request", (request) => requests.push(request.url()));
  const page = await context.newPage();
  page.on("pageerror", (error) => errors.push(error.message));
  return {
    base,
    page,
    requests,
    errors,
    close: async () => {
      await context.close();
      await app.close();
    },
  };
}

/** Requests that left the server: anything but its own origin and in-page data. */
function outside(session: Session): string[] {
  return session.requests.filter(
    (url) => !url.startsWith(`${session.base}/`) && !/^(data|blob):/.test(url),
  );
}

describe("Swagger UI at /docs", () => {
  test("try POST /users/ with a valid body and read the 201 from the page", async () => {
    const session = await open(createApp(":memory:"));
    const { page, base } = session;
    try {
      await page.goto(`${base}/docs`);
      const operation = page.locator("#operations-users-createUser_users__post");
      await operation.locator(".opblock-summary").click();
      // deepLinking (a default) puts the operation in the address.
      await expect.poll(() => page.url()).toBe(`${base}/docs#/users/createUser_users__post`);
      await operation.getByRole("button", { name: "Try it out" }).click();
      await operation
        .locator("textarea.body-param__text")
        .fill(JSON.stringify({ username: "grace", email: "grace@example.org", age: 36 }));
      await operation.getByRole("button", { name: "Execute" }).click();
      const live = operation.locator(".live-responses-table .response").first();
      await expect.poll(() => live.locator(".response-col_status").textContent()).toBe("201");
      const body = JSON.parse(
        (await live.locator(".response-col_description pre").first().textContent()) ?? "",
      );
      expect(body).toEqual({ id: 1, username: "grace", email: "grace@example.org", age: 36 });
      await page.screenshot({ path: `${SCREENSHOTS}openapi-swagger-ui.png`, fullPage: true });
      expect(session.errors).toEqual([]);
      expect(session.requests).toEqual(
        expect.arrayContaining([
          `${base}/docs`,
          `${base}/openapi.json`,
          `${base}/users/`,
          expect.stringMatching(/\/docs\/swagger-ui-bundle\.js\?v=/),
        ]),
      );
      expect(outside(session)).toEqual([]);
    } finally {
      await session.close();
    }
  });

  test("Authorize with the OAuth2 password flow against /token, then GET /users/me: 200", async () => {
    const session = await open(
      createApp(":memory:", { secretKey: "0123456789abcdef0123456789abcdef" }),
    );
    const { page, base } = session;
    page.setDefaultTimeout(5000);
    try {
      await page.goto(`${base}/docs`);
      await page.getByRole("button", { name: "Authorize" }).first().click();
      const oauth2 = page.locator(".dialog-ux .auth-container", {
        hasText: "OAuth2PasswordBearer",
      });
      await oauth2.locator("input#oauth_username").fill("alice");
      await oauth2.locator("input#oauth_password").fill("wonderland");
      await oauth2.locator("label[for^=me-password-checkbox]").click();
      await oauth2.locator('button[aria-label="Apply given OAuth2 credentials"]').click();
      await oauth2.locator("button", { hasText: "Logout" }).waitFor();
      await oauth2.locator("button.btn-done").click();
      const operation = page.locator("#operations-auth-users_me_get");
      await operation.locator(".opblock-summary").click();
      await operation.getByRole("button", { name: "Try it out" }).click();
      await operation.getByRole("button", { name: "Execute" }).click();
      const live = operation.locator(".live-responses-table .response").first();
      await expect.poll(() => live.locator(".response-col_status").textContent()).toBe("200");
      const body = JSON.parse(
        (await live.locator(".response-col_description pre").first().textContent()) ?? "",
      );
      expect(body).toMatchObject({ username: "alice" });
      await page.screenshot({
        path: `${SCREENSHOTS}openapi-swagger-authorize.png`,
        fullPage: true,
      });
      expect(session.requests).toEqual(
        expect.arrayContaining([`${base}/token`, `${base}/users/me`]),
      );
      expect(outside(session)).toEqual([]);
    } finally {
      await session.close();
    }
  });

  test("swaggerUiParameters reach the page", async () => {
    const app = new App({
      title: "Options",
      swaggerUiParameters: { deepLinking: false, persistAuthorization: true, docExpansion: "full" },
    });
    app.post(
      "/things",
      { body: z.object({ name: z.string() }), tags: ["things"] },
      function add_thing() {
        return {};
      },
    );
    const session = await open(app);
    const { page, base } = session;
    try {
      await page.goto(`${base}/docs`);
      const operation = page.locator("#operations-things-add_thing_things_post");
      // docExpansion "full": the operation is open without a click.
      await operation.getByRole("button", { name: "Try it out" }).waitFor();
      const configs = await page.evaluate(() => {
        const { persistAuthorization, deepLinking, docExpansion } = (
          globalThis as any
        ).ui.getConfigs();
        return { persistAuthorization, deepLinking, docExpansion };
      });
      expect(configs).toEqual({
        persistAuthorization: true,
        deepLinking: false,
        docExpansion: "full",
      });
      await operation.locator(".opblock-summary").click();
      expect(page.url()).toBe(`${base}/docs`);
      expect(outside(session)).toEqual([]);
    } finally {
      await session.close();
    }
  });
});

describe("ReDoc at /redoc", () => {
  test("lists the demo's operations", async () => {
    const session = await open(createApp(":memory:"));
    const { page, base } = session;
    try {
      await page.goto(`${base}/redoc`);
      const titles = page.locator("h2");
      await titles.filter({ hasText: "Create User" }).waitFor();
      const headings = (await titles.allTextContents()).map((text) => text.trim());
      expect(headings).toEqual(
        expect.arrayContaining([
          "Create User",
          "List Users",
          "Get User",
          "Update User",
          "Delete User",
        ]),
      );
      // ReDoc's default download button, which redocOptions can hide (next test).
      expect(await page.getByText("Download", { exact: true }).count()).toBeGreaterThan(0);
      await page.screenshot({ path: `${SCREENSHOTS}openapi-redoc.png` });
      expect(session.errors).toEqual([]);
      expect(outside(session)).toEqual([]);
    } finally {
      await session.close();
    }
  });

  test("redocOptions reach the page", async () => {
    const app = new App({ title: "Options", redocOptions: { hideDownloadButton: true } });
    app.get("/things", function list_things() {
      return [];
    });
    const session = await open(app);
    const { page, base } = session;
    try {
      await page.goto(`${base}/redoc`);
      await page.locator("h2", { hasText: "List Things" }).waitFor();
      expect(await page.getByText("Download", { exact: true }).count()).toBe(0);
      expect(outside(session)).toEqual([]);
    } finally {
      await session.close();
    }
  });
});
