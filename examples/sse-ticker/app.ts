import { setTimeout } from "node:timers/promises";
import { App, EventSourceResponse, HTMLResponse, z } from "vial";

export interface TickerOptions {
  /** Milliseconds between ticks (default 1 s). */
  interval?: number;
  /** Milliseconds between keep-alive comments (default 15 s). */
  ping?: number;
}

/**
 * A stock ticker over Server-Sent Events: `GET /ticker/{symbol}` streams `tick` events with an
 * increasing id. A browser that reconnects sends `Last-Event-ID` and the stream resumes after
 * it. `?limit=N` ends the stream after N ticks. Prices are made up, but the same for everyone.
 */
export function createApp({ interval = 1000, ping = 15_000 }: TickerOptions = {}) {
  const app = new App({ title: "Ticker" });

  app.get(
    "/ticker/{symbol}",
    {
      params: { symbol: z.string().regex(/^[A-Z]{1,5}$/) },
      query: { limit: z.int().min(1).optional() },
      tags: ["ticker"],
    },
    ({ params: { symbol }, query: { limit } }) =>
      new EventSourceResponse(
        async function* ({ lastEventId, signal }) {
          const resumeAfter = Number.parseInt(lastEventId ?? "", 10);
          let seq = Number.isFinite(resumeAfter) ? resumeAfter : 0;
          if (seq === 0) yield { retry: 2000, comment: `ticks for ${symbol}` };
          for (let sent = 0; !signal.aborted && (limit === undefined || sent < limit); sent++) {
            seq++;
            yield { event: "tick", id: seq, data: { symbol, seq, price: priceAt(symbol, seq) } };
            await setTimeout(interval, undefined, { signal }).catch(() => undefined);
          }
        },
        { ping },
      ),
  );

  app.get("/", { includeInSchema: false }, () => new HTMLResponse(PAGE));

  return app;
}

/** A made-up price: a wave around a base that depends on the symbol. */
export function priceAt(symbol: string, seq: number): number {
  let base = 0;
  for (const char of symbol) base = (base * 31 + char.charCodeAt(0)) % 900;
  const price = (100 + base) * (1 + 0.02 * Math.sin(seq / 3));
  return Math.round(price * 100) / 100;
}

const PAGE = `<!doctype html>
<html>
  <head><meta charset="utf-8"><title>Ticker</title></head>
  <body>
    <h1>VIAL <span id="price">...</span></h1>
    <ol id="ticks"></ol>
    <script>
      const source = new EventSource("/ticker/VIAL");
      source.addEventListener("tick", (event) => {
        const tick = JSON.parse(event.data);
        document.getElementById("price").textContent = tick.price.toFixed(2);
        const item = document.createElement("li");
        item.textContent = "#" + event.lastEventId + " " + tick.price.toFixed(2);
        document.getElementById("ticks").prepend(item);
      });
    </script>
  </body>
</html>
`;
