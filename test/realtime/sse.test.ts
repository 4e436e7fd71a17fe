import { setTimeout as delay } from "node:timers/promises";
import { App, EventSourceResponse, z } from "vial";
import { TestClient } from "vial/testing";
import { afterEach, describe, expect, test, vi } from "vitest";
import { captureLogger, serve, sleep } from "./helpers.js";

const apps: App<any>[] = [];
afterEach(async () => {
  await Promise.all(apps.splice(0).map((a) => a.close()));
});

/** Reads a streamed body until `until` matches what has arrived, then aborts the request. */
async function readUntil(url: string, until: RegExp, headers: Record<string, string> = {}) {
  const abort = new AbortController();
  const res = await fetch(url, { signal: abort.signal, headers });
  const reader = res.body!.getReader();
  const decoder = new TextDecoder();
  let text = "";
  while (!until.test(text)) {
    const { value, done } = await reader.read();
    if (done) break;
    text += decoder.decode(value, { stream: true });
  }
  abort.abort();
  return { res, text };
}

describe("EventSourceResponse", () => {
  test("the DESIGN.md example: events with their fields, headers that stop buffering", async () => {
    const app = new App();
    app.get(
      "/events",
      () =>
        new EventSourceResponse(async function* () {
          yield { event: "tick", data: { n: 1 } };
        }),
    );
    const res = await new TestClient(app).get("/events");
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toBe("text/event-stream; charset=utf-8");
    expect(res.headers.get("cache-control")).toBe("no-cache");
    expect(res.headers.get("x-accel-buffering")).toBe("no");
    expect(res.text()).toBe('event: tick\ndata: {"n":1}\n\n');
  });

  test("every field, multi-line data, comments, and values that are not events", async () => {
    const app = new App();
    app.get("/events", () => {
      async function* events() {
        yield { comment: "stream starts" };
        yield { id: 7, retry: 3000, event: "update", data: "line one\nline two\r\nline three" };
        yield "plain text";
        yield 42;
        yield { name: "not an event", id: 1 };
        yield { data: { nested: ["a"] }, id: "abc" };
        yield { data: Buffer.from("bytes") };
      }
      return new EventSourceResponse(events());
    });
    const res = await new TestClient(app).get("/events");
    expect(res.text()).toBe(
      [
        ": stream starts\n\n",
        "event: update\nid: 7\nretry: 3000\ndata: line one\ndata: line two\ndata: line three\n\n",
        "data: plain text\n\n",
        "data: 42\n\n",
        'data: {"name":"not an event","id":1}\n\n',
        'id: abc\ndata: {"nested":["a"]}\n\n',
        "data: bytes\n\n",
      ].join(""),
    );
  });

  test("a keep-alive comment goes out while the generator is quiet", async () => {
    const app = new App();
    apps.push(app);
    app.get(
      "/events",
      () =>
        new EventSourceResponse(
          async function* () {
            yield { data: "first" };
            await sleep(200);
            yield { data: "second" };
          },
          { ping: 40 },
        ),
    );
    const { url } = await serve(app);
    const text = await (await fetch(`${url}/events`)).text();
    expect(text.startsWith("data: first\n\n: ping\n\n: ping\n\n")).toBe(true);
    expect(text.endsWith("data: second\n\n")).toBe(true);
  });

  test("Last-Event-ID reaches the generator function and the route's declared headers", async () => {
    const app = new App();
    app.get(
      "/events",
      { headers: { last_event_id: z.int().optional() } },
      ({ headers }) =>
        new EventSourceResponse(async function* ({ lastEventId }) {
          yield {
            id: Number(lastEventId ?? 0) + 1,
            data: { declared: headers.last_event_id ?? null },
          };
        }),
    );
    const client = new TestClient(app);
    expect((await client.get("/events")).text()).toBe('id: 1\ndata: {"declared":null}\n\n');
    const resumed = await client.get("/events", { headers: { "Last-Event-ID": "41" } });
    expect(resumed.text()).toBe('id: 42\ndata: {"declared":41}\n\n');
  });

  test("HEAD sends the headers and never starts the generator", async () => {
    const app = new App();
    let started = false;
    app.get(
      "/events",
      () =>
        new EventSourceResponse(async function* () {
          started = true;
          yield "x";
        }),
    );
    const res = await new TestClient(app).head("/events");
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toBe("text/event-stream; charset=utf-8");
    expect(res.text()).toBe("");
    expect(started).toBe(false);
  });

  test("a client that leaves mid-stream stops the generator: its finally runs, nothing rejects", async () => {
    const unhandled: unknown[] = [];
    const onUnhandled = (reason: unknown) => unhandled.push(reason);
    process.on("unhandledRejection", onUnhandled);
    const app = new App();
    apps.push(app);
    const events: string[] = [];
    app.get("/events", ({ background }) => {
      background.add(() => {
        events.push("task after the stream");
      });
      return new EventSourceResponse(async function* ({ signal }) {
        try {
          for (let n = 0; ; n++) {
            yield { data: n };
            await delay(10, undefined, { signal }).catch(() => undefined);
          }
        } finally {
          events.push(`finally (signal aborted: ${signal.aborted})`);
        }
      });
    });
    const { url } = await serve(app);
    const { text } = await readUntil(`${url}/events`, /data: 2\n/);
    expect(text.startsWith("data: 0\n\ndata: 1\n\ndata: 2\n")).toBe(true);
    await vi.waitFor(() => expect(events).toContain("finally (signal aborted: true)"));
    await app.idle();
    expect(events).toEqual(["finally (signal aborted: true)", "task after the stream"]);
    process.off("unhandledRejection", onUnhandled);
    expect(unhandled).toEqual([]);
  });

  test("an abort error the generator throws as the client leaves is not logged as a failure", async () => {
    const log = captureLogger();
    const app = new App({ logger: log.logger });
    apps.push(app);
    let finished = false;
    app.get(
      "/events",
      () =>
        new EventSourceResponse(async function* ({ signal }) {
          try {
            for (;;) {
              yield { data: "tick" };
              await delay(10, undefined, { signal }); // rejects with an AbortError when the client leaves
            }
          } finally {
            finished = true;
          }
        }),
    );
    const { url } = await serve(app);
    await readUntil(`${url}/events`, /tick\n\n.*tick/s);
    await vi.waitFor(() => expect(finished).toBe(true));
    await app.idle();
    expect(log.lines.filter((line) => line.level >= 40)).toEqual([]);
  });

  test("app.close() ends open streams, so shutdown does not wait for them", async () => {
    const app = new App({ shutdownTimeout: 5000 });
    let cleaned = false;
    app.get(
      "/events",
      () =>
        new EventSourceResponse(async function* ({ signal }) {
          try {
            while (!signal.aborted) {
              yield { event: "tick" };
              await delay(20, undefined, { signal }).catch(() => undefined);
            }
          } finally {
            cleaned = true;
          }
        }),
    );
    const { url } = await serve(app);
    const res = await fetch(`${url}/events`);
    const body = res.text();
    await sleep(50);
    const started = Date.now();
    await app.close();
    expect(Date.now() - started).toBeLessThan(1000);
    expect(await body).toMatch(/^(event: tick\n\n)+$/);
    expect(cleaned).toBe(true);
  });

  test("an invalid event ends the stream and is logged", async () => {
    const log = captureLogger();
    const app = new App({ logger: log.logger });
    app.get(
      "/events",
      () =>
        new EventSourceResponse(async function* () {
          yield { data: "ok" };
          yield { event: "two\nlines" };
        }),
    );
    const res = await new TestClient(app).get("/events");
    expect(res.text()).toBe("data: ok\n\n");
    expect(log.find("Response failed after its headers were sent", 50)[0]?.err?.message).toBe(
      'An SSE `event` cannot contain line breaks: "two\\nlines"',
    );
  });

  test("a source that is not a generator is refused when the response is built", () => {
    expect(() => new EventSourceResponse("data" as never)).toThrow(
      "EventSourceResponse takes an async generator (or a function returning one)",
    );
  });
});
