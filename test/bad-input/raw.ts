import { connect } from "node:net";

/**
 * Sends bytes to 127.0.0.1:port over a raw socket and collects everything the server writes
 * until it closes the connection or `timeoutMs` passes. For requests no HTTP client would send.
 */
export function rawExchange(
  port: number,
  chunks: (string | Buffer)[],
  options: { timeoutMs?: number; gapMs?: number; destroyAfter?: boolean } = {},
): Promise<{ text: string; closed: boolean }> {
  return new Promise((resolve, reject) => {
    const socket = connect(port, "127.0.0.1");
    const received: Buffer[] = [];
    let closed = false;
    const timer = setTimeout(() => finish(), options.timeoutMs ?? 2000);
    const finish = () => {
      clearTimeout(timer);
      socket.destroy();
      resolve({ text: Buffer.concat(received).toString("latin1"), closed });
    };
    socket.on("data", (d) => received.push(d));
    socket.on("close", () => {
      closed = true;
      finish();
    });
    socket.on("error", (error: NodeJS.ErrnoException) => {
      if (error.code === "ECONNRESET" || error.code === "EPIPE") return;
      reject(error);
    });
    socket.on("connect", async () => {
      for (const chunk of chunks) {
        if (socket.destroyed) return;
        socket.write(chunk);
        if (options.gapMs) await new Promise((r) => setTimeout(r, options.gapMs));
      }
      if (options.destroyAfter) {
        socket.destroy();
        closed = true;
        finish();
      }
    });
  });
}

/** The status code of the first response in a raw HTTP exchange. */
export function statusOf(text: string): number {
  return Number(/^HTTP\/1\.1 (\d{3})/.exec(text)?.[1] ?? 0);
}
