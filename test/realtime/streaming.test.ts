import { createReadStream } from "node:fs";
import { writeFile } from "node:fs/promises";
import { get } from "node:http";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Readable } from "node:stream";
import { App, StreamingResponse, z } from "vial";
import { TestClient } from "vial/testing";
import { afterEach, describe, expect, test, vi } from "vitest";
import { captureLogger, serve, sleep } from "./helpers.js";

const apps: App<any>[] = [];
afterEach(async () => {
  await Promise.all(apps.splice(0).map((a) => a.close()));
});

/** Starts a request, reads `bytes` of its body, then drops the connection. */
function readThenVanish(url: string, bytes: number): Promise<string> {
  return new Promise((resolve, reject) => {
    const req = get(url, (res) => {
      let text = "";
      res.on("data", (chunk: Buffer) => {
        text += chunk.toString("utf8");
        if (text.length >= bytes) {
          req.destroy();
          resolve(text);
        }
      });
    });
    req.on("error", (error) => {
      if ((error as NodeJS.ErrnoException).code !== "ECONNRESET") reject(error);
    });
  });
}

function noUnhandledRejections() {
  const seen: unknown[] = [];
  const listener = (reason: unknown) => seen.push(reason);
  process.on("unhandledRejection", listener);
  return () => {
    process.off("unhandledRejection", listener);
    return seen;
  };
}

describe("StreamingResponse", () => {
  test("streams async iterables of strings and bytes, iterables, web streams and node Readables", async () => {
    const path = join(tmpdir(), `vial-stream-${process.pid}.txt`);
    await writeFile(path, "from a file");
    const app = new App();
    app.get("/generator", () => {
      async function* parts() {
        yield "a,";
        yield Buffer.from("b,");
        yield new TextEncoder().encode("c");
      }
      return new StreamingResponse(parts(), { mediaType: "text/csv" });
    });
    app.get("/array", () => new StreamingResponse(["x", "y"], { headers: { "x-kind": "array" } }));
    app.get("/web", () => {
      const stream = new ReadableStream<Uint8Array>({
        start(controller) {
          controller.enqueue(new TextEncoder().encode("web "));
          controller.enqueue(new TextEncoder().encode("stream"));
          controller.close();
        },
      });
      return new StreamingResponse(stream, { mediaType: "text/plain" });
    });
    app.get("/node", () => new StreamingResponse(createReadStream(path)));
    app.get("/readable", () => new StreamingResponse(Readable.from(["r1", "r2"]), { status: 201 }));
    const client = new TestClient(app);
    const csv = await client.get("/generator");
    expect(csv.status).toBe(200);
    expect(csv.headers.get("content-type")).toBe("text/csv; charset=utf-8");
    expect(csv.text()).toBe("a,b,c");
    const array = await client.get("/array");
    expect(array.text()).toBe("xy");
    expect(array.headers.get("x-kind")).toBe("array");
    expect((await client.get("/web")).text()).toBe("web stream");
    expect((await client.get("/node")).text()).toBe("from a file");
    const readable = await client.get("/readable");
    expect(readable.status).toBe(201);
    expect(readable.text()).toBe("r1r2");
  });

  test("a slow client pauses the producer (backpressure), so memory stays bounded", async () => {
    const app = new App();
    apps.push(app);
    const chunk = "p".repeat(64 * 1024);
    let produced = 0;
    let stopped = false;
    app.get("/firehose", () => {
      async function* forever() {
        try {
          for (;;) {
            produced++;
            yield chunk;
          }
        } finally {
          stopped = true;
        }
      }
      return new StreamingResponse(forever());
    });
    const { url } = await serve(app);
    const req = get(`${url}/firehose`, (res) => res.pause());
    req.on("error", () => undefined);
    await sleep(250);
    const early = produced;
    await sleep(250);
    expect(produced).toBe(early); // stalled: nothing more is made while nobody reads
    expect(produced * chunk.length).toBeLessThan(64 * 1024 * 1024);
    req.destroy();
    await vi.waitFor(() => expect(stopped).toBe(true));
  });

  test.each([
    ["an async generator", "generator"],
    ["a web ReadableStream", "web"],
    ["a node Readable", "node"],
  ])("a client vanishing mid-stream stops %s, and later requests are served", async (_, kind) => {
    const done = noUnhandledRejections();
    const app = new App();
    apps.push(app);
    const cleaned: string[] = [];
    app.get("/generator", () => {
      async function* ticks() {
        try {
          for (let i = 0; ; i++) {
            yield `tick ${i}\n`;
            await sleep(5);
          }
        } finally {
          cleaned.push("generator finally");
        }
      }
      return new StreamingResponse(ticks());
    });
    app.get("/web", () => {
      let i = 0;
      const stream = new ReadableStream<Uint8Array>({
        async pull(controller) {
          await sleep(5);
          controller.enqueue(new TextEncoder().encode(`tick ${i++}\n`));
        },
        cancel() {
          cleaned.push("web stream cancelled");
        },
      });
      return new StreamingResponse(stream);
    });
    app.get("/node", () => {
      let i = 0;
      const readable = new Readable({
        read() {
          setTimeout(() => this.push(`tick ${i++}\n`), 5);
        },
        destroy(error, callback) {
          cleaned.push("readable destroyed");
          callback(error);
        },
      });
      return new StreamingResponse(readable);
    });
    app.get("/health", () => ({ ok: true }));
    const { url } = await serve(app);
    const text = await readThenVanish(`${url}/${kind}`, 20);
    expect(text.startsWith("tick 0\ntick 1\n")).toBe(true);
    await vi.waitFor(() => expect(cleaned).toHaveLength(1));
    expect(await (await fetch(`${url}/health`)).json()).toEqual({ ok: true });
    expect(done()).toEqual([]);
  });

  test("an error mid-stream is logged and cuts the connection; the app keeps serving", async () => {
    const log = captureLogger();
    const app = new App({ logger: log.logger });
    apps.push(app);
    app.get("/broken", () => {
      async function* parts() {
        yield "partial ";
        throw new Error("disk on fire");
      }
      return new StreamingResponse(parts());
    });
    app.get("/health", () => ({ ok: true }));
    const { url } = await serve(app);
    const res = await fetch(`${url}/broken`);
    await expect(res.text()).rejects.toThrow();
    expect(log.find("Response failed after its headers were sent", 50)[0]).toMatchObject({
      route: "GET /broken",
      err: { message: "disk on fire" },
    });
    expect(await (await fetch(`${url}/health`)).json()).toEqual({ ok: true });
  });
});

describe("JSON Lines from async generator handlers", () => {
  test("each yielded value is one line of application/jsonl", async () => {
    const app = new App();
    app.get("/items", { status: 202 }, async function* () {
      yield { name: "Plumbus" };
      yield [1, 2];
      yield "text";
      yield undefined;
      yield { description: "line\nbreak" };
    });
    const res = await new TestClient(app).get("/items");
    expect(res.status).toBe(202);
    expect(res.headers.get("content-type")).toBe("application/jsonl");
    expect(res.text()).toBe(
      '{"name":"Plumbus"}\n[1,2]\n"text"\nnull\n{"description":"line\\nbreak"}\n',
    );
    expect(
      res
        .text()
        .trim()
        .split("\n")
        .map((line) => JSON.parse(line)),
    ).toHaveLength(5);
  });

  test("with a `response` schema, every line is filtered by it, as FastAPI does for AsyncIterable[Item]", async () => {
    const Item = z.object({ name: z.string(), tags: z.array(z.string()).default([]) });
    const app = new App();
    app.get("/items", { response: Item }, async function* () {
      yield { name: "Portal Gun", secret: "leaks?" };
      yield { name: "Meeseeks Box", tags: ["box"] };
    });
    const res = await new TestClient(app).get("/items");
    expect(res.text()).toBe(
      '{"name":"Portal Gun","tags":[]}\n{"name":"Meeseeks Box","tags":["box"]}\n',
    );
  });

  test("a line that breaks the `response` schema ends the stream with a clear log line", async () => {
    const log = captureLogger();
    const app = new App({ logger: log.logger });
    apps.push(app);
    app.get("/items", { response: z.object({ n: z.int() }) }, async function* () {
      yield { n: 1 };
      yield { n: "two" } as never;
    });
    const { url } = await serve(app);
    const res = await fetch(`${url}/items`);
    expect(res.status).toBe(200);
    await expect(res.text()).rejects.toThrow();
    expect(log.find("Response failed after its headers were sent", 50)[0]?.err?.message).toContain(
      "does not match its `response` schema",
    );
  });

  test("a client vanishing mid-stream runs the generator's finally", async () => {
    const done = noUnhandledRejections();
    const app = new App();
    apps.push(app);
    let cleaned = false;
    app.get("/feed", async function* () {
      try {
        for (let n = 0; ; n++) {
          yield { n };
          await sleep(5);
        }
      } finally {
        cleaned = true;
      }
    });
    const { url } = await serve(app);
    const text = await readThenVanish(`${url}/feed`, 16);
    expect(text.startsWith('{"n":0}\n{"n":1}\n')).toBe(true);
    await vi.waitFor(() => expect(cleaned).toBe(true));
    expect(done()).toEqual([]);
  });
});
