import type { AddressInfo } from "node:net";
import { connect } from "node:net";
import { pino } from "pino";
import type { App } from "vial";
import { type TestResponse, WebSocketRejected } from "vial/testing";

export interface LogLine {
  level: number;
  msg: string;
  requestId?: string;
  err?: { message: string; type: string };
  [key: string]: unknown;
}

/** A pino logger that keeps every line, for tests that check what was logged. */
export function captureLogger() {
  const lines: LogLine[] = [];
  const logger = pino(
    { level: "debug" },
    { write: (line: string) => lines.push(JSON.parse(line)) },
  );
  return {
    logger,
    lines,
    /** Lines at `warn` (40) and above whose message contains `text`. */
    find: (text: string, level = 40) =>
      lines.filter((l) => l.level >= level && l.msg.includes(text)),
  };
}

/** Starts the app on 127.0.0.1 and a free port, without signal handlers. */
export async function serve(app: App<any>): Promise<{ port: number; url: string }> {
  const server = await app.listen({ port: 0, host: "127.0.0.1", signals: false });
  const port = (server.address() as AddressInfo).port;
  return { port, url: `http://127.0.0.1:${port}` };
}

/** Sends raw request text and collects everything the server answers until it closes. */
export function rawExchange(port: number, request: string, waitMs = 2000): Promise<string> {
  return new Promise((resolve, reject) => {
    const socket = connect(port, "127.0.0.1", () => socket.write(request));
    let out = "";
    const timer = setTimeout(() => {
      socket.destroy();
      resolve(out);
    }, waitMs);
    socket.on("data", (chunk) => {
      out += chunk.toString("latin1");
    });
    socket.on("close", () => {
      clearTimeout(timer);
      resolve(out);
    });
    socket.on("error", reject);
  });
}

/** A WebSocket handshake request for `path`, as text. */
export function handshake(path: string, extra = ""): string {
  return (
    `GET ${path} HTTP/1.1\r\nHost: localhost\r\nConnection: Upgrade\r\nUpgrade: websocket\r\n` +
    `Sec-WebSocket-Version: 13\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n${extra}\r\n`
  );
}

export const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** The HTTP answer of a refused WebSocket handshake; fails the test if it was accepted. */
export async function refused(connecting: Promise<unknown>): Promise<TestResponse> {
  try {
    await connecting;
  } catch (error) {
    if (error instanceof WebSocketRejected) return error.response;
    throw error;
  }
  throw new Error("The WebSocket handshake was accepted; it should have been refused");
}
