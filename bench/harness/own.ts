// Vial's own time per request, without a socket: the bench's Vial app is called in process with
// stand-in request and response objects, so what is timed is Vial's code (routing, inputs,
// validation, the handler, serializing) and none of node's HTTP machinery, which is about 90% of
// a served request and the same for every Node target. Steadier than req/s on a shared machine,
// for comparing one version of Vial's request path with the next; not a comparison with peers.
// GET workloads only: a body needs a real request stream.
//
// Settings: WORKLOADS=json,params REQUESTS=1000000 RUNS=7
import type { IncomingMessage, ServerResponse } from "node:http";
import { app } from "../targets/vial.js";
import { countFromEnv } from "./measure.js";
import { workloads } from "./workloads.js";

const only = process.env.WORKLOADS?.split(",");
const requests = countFromEnv("REQUESTS", 1_000_000, 1);
const runs = countFromEnv("RUNS", 7, 1);

/** What Vial reads of a request and calls on a response on these paths, and nothing else. */
function standIns(path: string) {
  const answer = { status: 0, body: "" };
  const res = {
    headersSent: false,
    writeHead(status: number) {
      answer.status = status;
      return this;
    },
    end(body?: string) {
      answer.body = body ?? "";
    },
  } as unknown as ServerResponse;
  const request = () =>
    ({
      method: "GET",
      url: path,
      headers: { host: "127.0.0.1", "user-agent": "wrk" },
      socket: {},
    }) as unknown as IncomingMessage;
  return { answer, res, request };
}

async function main(): Promise<void> {
  const handle = app.handler;
  const lines = [
    `Vial's own time per request (${runs} runs of ${requests} requests, node ${process.version})`,
  ];
  for (const workload of workloads) {
    if (workload.method !== "GET" || (only && !only.includes(workload.name))) continue;
    const { answer, res, request } = standIns(workload.path);
    handle(request(), res);
    // The route table is compiled on the first request; let it settle, then check the answer.
    await new Promise((resolve) => setTimeout(resolve, 20));
    for (let i = 0; i < 200_000; i++) handle(request(), res);
    const wrong = workload.check(JSON.parse(answer.body));
    if (answer.status !== workload.status || wrong) {
      throw new Error(`${workload.name}: ${answer.status} ${answer.body} (${wrong ?? "status"})`);
    }
    const times: number[] = [];
    for (let run = 0; run < runs; run++) {
      const start = process.hrtime.bigint();
      for (let i = 0; i < requests; i++) handle(request(), res);
      times.push(Number(process.hrtime.bigint() - start) / requests);
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
    times.sort((a, b) => a - b);
    const median = times[Math.floor(times.length / 2)]!;
    lines.push(
      `  ${workload.name.padEnd(7)} ${median.toFixed(0)} ns (${times[0]!.toFixed(0)}-${times.at(-1)!.toFixed(0)})`,
    );
  }
  console.log(lines.join("\n"));
}

await main();
