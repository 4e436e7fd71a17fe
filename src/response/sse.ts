import { once } from "node:events";
import type { ServerResponse } from "node:http";
import { type ResponseInit, VialResponse } from "./responses.js";

/**
 * One event of a stream, as the handler yields it. Every field is optional: `data` that is not a
 * string is sent as JSON; a multi-line string becomes several `data:` lines; `comment` lines are
 * ignored by browsers (a way to keep a connection busy). Anything else yielded is sent as `data`.
 */
export interface ServerSentEvent {
  data?: unknown;
  /** The event type: `addEventListener(event, ...)` receives it (default `message`). */
  event?: string;
  /** Stored by the browser and sent back as `Last-Event-ID` when it reconnects. */
  id?: string | number;
  /** Milliseconds the browser waits before reconnecting. */
  retry?: number;
  comment?: string;
}

/** What a generator function given to {@link EventSourceResponse} receives. */
export interface EventStream {
  /** The `Last-Event-ID` header of a reconnecting browser: where to resume. */
  readonly lastEventId: string | undefined;
  /** Aborted when the client leaves or the app shuts down: pass it to what you wait on. */
  readonly signal: AbortSignal;
}

export type EventSource =
  | AsyncIterable<unknown>
  | Iterable<unknown>
  | ((stream: EventStream) => AsyncIterable<unknown> | Iterable<unknown>);

export interface EventSourceInit extends Omit<ResponseInit, "mediaType"> {
  /** Milliseconds between keep-alive comments (default 15 000; 0 sends none). */
  ping?: number;
}

const FIELDS = new Set(["data", "event", "id", "retry", "comment"]);
const LINE_BREAK = /\r\n|\r|\n/;

/**
 * Server-Sent Events (`text/event-stream`) from an async generator, or a generator function
 * called with `{ lastEventId, signal }`. Sent with `Cache-Control: no-cache` and
 * `X-Accel-Buffering: no` (so proxies do not buffer it), and a `: ping` comment every 15 s so
 * idle connections stay open. When the client leaves, or the app shuts down, the generator is
 * stopped: its `finally` blocks run.
 *
 * @example
 * app.get("/events", () => new EventSourceResponse(async function* ({ lastEventId, signal }) {
 *   let n = Number(lastEventId ?? 0);
 *   while (!signal.aborted) {
 *     yield { event: "tick", id: ++n, data: { n } };
 *     await setTimeout(1000, undefined, { signal }).catch(() => {});
 *   }
 * }));
 */
export class EventSourceResponse extends VialResponse {
  static override mediaType = "text/event-stream";
  readonly source: EventSource;
  readonly ping: number;

  constructor(source: EventSource, init: EventSourceInit = {}) {
    super(undefined, init);
    if (
      typeof source === "string" ||
      (typeof source !== "function" &&
        !(
          typeof source === "object" &&
          source !== null &&
          (Symbol.asyncIterator in source || Symbol.iterator in source)
        ))
    ) {
      throw new TypeError(
        "EventSourceResponse takes an async generator (or a function returning one), e.g. new EventSourceResponse(async function* () { yield { data: 1 }; })",
      );
    }
    this.source = source;
    this.ping = init.ping ?? 15_000;
    if (!this.headers.has("cache-control")) this.headers.set("cache-control", "no-cache");
    this.headers.set("x-accel-buffering", "no");
  }

  override async write(res: ServerResponse, head: boolean, closing?: AbortSignal): Promise<void> {
    res.writeHead(this.status, this.headers.toNode());
    if (head) {
      res.end();
      return;
    }
    res.flushHeaders();
    const stop = new AbortController();
    const end = () => {
      stop.abort();
      // At once, even while the generator is busy: it stops at its next `yield`.
      if (!res.destroyed && !res.writableEnded) res.end();
    };
    res.once("close", end);
    closing?.addEventListener("abort", end, { once: true });
    if (closing?.aborted) end();
    const pinger =
      this.ping > 0 ? setInterval(() => res.write(": ping\n\n"), this.ping) : undefined;
    const events = this.#open(res, stop.signal);
    try {
      await pump(events, res, stop.signal);
    } finally {
      clearInterval(pinger);
      res.off("close", end);
      closing?.removeEventListener("abort", end);
    }
  }

  #open(res: ServerResponse, signal: AbortSignal): AsyncIterator<unknown> | Iterator<unknown> {
    const source = this.source;
    const given =
      typeof source === "function" ? source({ lastEventId: lastEventIdOf(res), signal }) : source;
    if (Symbol.asyncIterator in given) return given[Symbol.asyncIterator]();
    return (given as Iterable<unknown>)[Symbol.iterator]();
  }
}

/**
 * Writes events as the generator makes them, waiting while the client is slow. Once `signal`
 * aborts (client gone, shutdown; the response is already ended then) the generator is stopped
 * at its next `yield`, and what it throws on the way out is not an error.
 */
async function pump(
  events: AsyncIterator<unknown> | Iterator<unknown>,
  res: ServerResponse,
  signal: AbortSignal,
): Promise<void> {
  let done = false;
  try {
    while (!signal.aborted) {
      const step = await events.next();
      if (step.done) {
        done = true;
        break;
      }
      if (signal.aborted) break;
      if (!res.write(encodeEvent(step.value))) {
        await once(res, "drain", { signal }).catch(() => undefined);
      }
    }
  } catch (error) {
    done = true;
    if (!signal.aborted) throw error;
  } finally {
    if (!res.destroyed && !res.writableEnded) res.end();
    if (!done) await events.return?.();
  }
}

/**
 * One event in the `text/event-stream` format. A plain object whose keys are all event fields is
 * an event; any other value is its `data`.
 */
export function encodeEvent(value: unknown): string {
  if (!isEvent(value)) return `${dataLines(value)}\n`;
  let out = "";
  if (value.comment !== undefined) {
    for (const line of String(value.comment).split(LINE_BREAK)) out += `: ${line}\n`;
  }
  if (value.event !== undefined) out += `event: ${singleLine("event", value.event)}\n`;
  if (value.id !== undefined) {
    const id = singleLine("id", String(value.id));
    if (id.includes("\0")) throw new TypeError("An SSE `id` cannot contain a NUL character.");
    out += `id: ${id}\n`;
  }
  if (value.retry !== undefined) {
    if (!Number.isInteger(value.retry) || value.retry < 0) {
      throw new TypeError(`An SSE \`retry\` is a number of milliseconds, got ${value.retry}.`);
    }
    out += `retry: ${value.retry}\n`;
  }
  if (value.data !== undefined) out += dataLines(value.data);
  return `${out}\n`;
}

function isEvent(value: unknown): value is ServerSentEvent {
  if (typeof value !== "object" || value === null) return false;
  const proto = Object.getPrototypeOf(value);
  if (proto !== Object.prototype && proto !== null) return false;
  let fields = 0;
  for (const key in value) {
    if (!FIELDS.has(key)) return false;
    fields++;
  }
  return fields > 0;
}

function dataLines(data: unknown): string {
  let text: string;
  if (typeof data === "string") text = data;
  else if (data instanceof Uint8Array) text = Buffer.from(data).toString("utf8");
  else {
    const json = JSON.stringify(data);
    if (json === undefined) throw new TypeError(`SSE data cannot be a ${typeof data}.`);
    text = json;
  }
  if (text.indexOf("\n") === -1 && text.indexOf("\r") === -1) return `data: ${text}\n`;
  let out = "";
  for (const line of text.split(LINE_BREAK)) out += `data: ${line}\n`;
  return out;
}

function singleLine(field: string, value: string): string {
  if (LINE_BREAK.test(value)) {
    throw new TypeError(`An SSE \`${field}\` cannot contain line breaks: ${JSON.stringify(value)}`);
  }
  return value;
}

function lastEventIdOf(res: ServerResponse): string | undefined {
  const value = res.req?.headers["last-event-id"];
  return typeof value === "string" ? value : undefined;
}
