import { existsSync } from "node:fs";
import type { AddressInfo } from "node:net";
import { type Browser, chromium } from "playwright-core";
import { App, depends, HTTPException } from "vial";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { createApp as createChat } from "../../examples/chat/app.js";
import { createApp as createEcho } from "../../examples/echo/app.js";
import { createApp as createTicker } from "../../examples/sse-ticker/app.js";

const CHROMIUM = "/usr/bin/chromium";
// CI installs Debian's chromium (.ci/apt-packages); elsewhere the test runs when it is there.
const available = existsSync(CHROMIUM) || Boolean(process.env.CI);

async function serve(app: App<any, any>): Promise<string> {
  const server = await app.listen({ port: 0, host: "127.0.0.1", signals: false });
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

describe.skipIf(!available)("WebSockets and Server-Sent Events in a real browser", () => {
  const apps: App<any, any>[] = [];
  let browser: Browser;

  beforeAll(async () => {
    browser = await chromium.launch({
      executablePath: CHROMIUM,
      args: ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking"],
    });
  }, 60_000);

  afterAll(async () => {
    await browser?.close();
    await Promise.all(apps.map((app) => app.close()));
  });

  async function start(app: App<any, any>): Promise<string> {
    apps.push(app);
    return serve(app);
  }

  test("the echo page talks to /ws", async () => {
    const base = await start(createEcho());
    const page = await browser.newPage();
    await page.goto(`${base}/`);
    await page.fill("#text", "hello from chromium");
    await page.press("#text", "Enter");
    await page.waitForSelector("#messages li");
    expect(await page.textContent("#messages li")).toBe("Message received: hello from chromium");
    await page.close();
  });

  test("two people chat in a room, with tokens in the query", async () => {
    const base = await start(createChat());
    const ann = await browser.newPage();
    const bob = await browser.newPage();
    for (const [page, token] of [
      [ann, "ann-token"],
      [bob, "bob-token"],
    ] as const) {
      await page.goto(`${base}/`);
      await page.fill("#token", token);
      await page.click("#join button");
    }
    await ann.waitForSelector("text=bob joined");
    await bob.fill("#text", "hi ann");
    await bob.press("#text", "Enter");
    await ann.waitForSelector("text=bob: hi ann");
    await bob.close();
    await ann.waitForSelector("text=bob left");
    await ann.close();
  });

  test("EventSource gets ticks, and resumes after Last-Event-ID when the stream ends", async () => {
    const base = await start(createTicker({ interval: 10 }));
    const page = await browser.newPage();
    await page.goto(`${base}/`);
    await page.waitForSelector("#ticks li");
    const ids = await page.evaluate(
      () =>
        new Promise<string[]>((resolve) => {
          const seen: string[] = [];
          // limit=2: the server ends each stream after two ticks; the browser reconnects
          // (after the 2 s retry the stream asked for) and sends the last id it saw.
          const source = new EventSource("/ticker/ABC?limit=2");
          source.addEventListener("tick", (event) => {
            seen.push((event as MessageEvent).lastEventId);
            if (seen.length === 4) {
              source.close();
              resolve(seen);
            }
          });
        }),
    );
    expect(ids).toEqual(["1", "2", "3", "4"]);
    await page.close();
  }, 15_000);

  test('a refused handshake: browsers see 1006 by default, the reason with denial: "close"', async () => {
    const app = new App();
    const member = depends(() => {
      throw new HTTPException(401, "Not authenticated");
    });
    app.ws("/http", { deps: [member] }, () => undefined);
    app.ws("/close", { deps: [member], denial: "close" }, () => undefined);
    app.get("/", () => "blank");
    const base = await start(app);
    const page = await browser.newPage();
    await page.goto(`${base}/`);
    const outcome = await page.evaluate(async (origin) => {
      const closeOf = (path: string) =>
        new Promise<[number, string]>((resolve) => {
          const ws = new WebSocket(origin.replace(/^http/, "ws") + path);
          ws.onclose = (event) => resolve([event.code, event.reason]);
        });
      return { http: await closeOf("/http"), close: await closeOf("/close") };
    }, base);
    expect(outcome).toEqual({ http: [1006, ""], close: [1008, "Not authenticated"] });
    await page.close();
  });
});
