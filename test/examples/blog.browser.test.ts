import { existsSync, mkdtempSync, rmSync } from "node:fs";
import type { Server } from "node:http";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { type Browser, chromium } from "playwright-core";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { createApp } from "../../examples/blog/app.js";

const CHROMIUM = "/usr/bin/chromium";
// CI installs Debian's chromium (.ci/apt-packages); elsewhere the test runs when it is there.
const available = existsSync(CHROMIUM) || Boolean(process.env.CI);

describe.skipIf(!available)("examples/blog in a real browser", () => {
  const uploads = mkdtempSync(join(tmpdir(), "vial-blog-browser-"));
  const app = createApp({ database: ":memory:", uploadsDir: uploads, secretKey: "browser-test" });
  let server: Server;
  let browser: Browser;
  let base: string;

  beforeAll(async () => {
    server = await app.listen(0, "127.0.0.1");
    const address = server.address() as { port: number };
    base = `http://127.0.0.1:${address.port}`;
    browser = await chromium.launch({
      executablePath: CHROMIUM,
      args: ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking"],
    });
  }, 60_000);

  afterAll(async () => {
    await browser?.close();
    await app.close();
    rmSync(uploads, { recursive: true, force: true });
  });

  test("register, log in, create a post with an image, see it listed", async () => {
    const page = await browser.newPage();
    await page.goto(`${base}/`);
    await page.click("text=Register");
    await page.fill("#username", "ann");
    await page.fill("#password", "correct horse");
    await page.click("input[type=submit]");
    await page.waitForURL(`${base}/auth/login`);

    await page.fill("#username", "ann");
    await page.fill("#password", "correct horse");
    await page.click("input[type=submit]");
    await page.waitForURL(`${base}/`);
    expect(await page.textContent("nav .user")).toBe("ann");

    await page.click("text=New");
    await page.waitForURL(`${base}/create`);
    await page.fill("#title", "Written in a browser");
    await page.fill("#body", "Posted through a real form, with its CSRF token.");
    await page.setInputFiles("#image", {
      name: "dot.png",
      mimeType: "image/png",
      buffer: Buffer.from(
        "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAQAAAC1HAwCAAAAC0lEQVR42mNkYAAAAAYAAjCB0C8AAAAASUVORK5CYII=",
        "base64",
      ),
    });
    await page.click("input[type=submit]");
    await page.waitForURL(`${base}/`);

    expect(await page.textContent("article.post h1")).toBe("Written in a browser");
    expect(await page.textContent(".flash")).toContain("Posted “Written in a browser”.");
    // The uploaded image was saved, served from /uploads and decoded by the browser.
    const loaded = await page.$eval("article.post img", (img) => {
      const image = img as unknown as { complete: boolean; naturalWidth: number };
      return image.complete && image.naturalWidth;
    });
    expect(loaded).toBe(1);
    await page.screenshot({ path: ".screenshots/blog.png", fullPage: true });
    await page.close();
  }, 60_000);
});
