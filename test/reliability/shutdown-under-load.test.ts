import { Agent } from "node:http";
import { describe, expect, test } from "vitest";
import { type Outcome, post, startLoadServer } from "./load.js";

// SIGTERM in the middle of load: the server stops accepting, answers every request it accepted,
// then exits, promptly although every client keeps sending. Counted from both sides: every
// request the server started was answered, and the client got exactly those answers; the rest
// were refused before the server ever saw them.
describe("graceful shutdown under load", () => {
  test("SIGTERM during load loses no accepted request", { timeout: 60_000 }, async () => {
    const { child, port, output } = await startLoadServer({ WAIT_MS: "30" });
    const agent = new Agent({ keepAlive: true, maxSockets: 32 });
    const outcomes: Outcome[] = [];
    let stop = false;
    const clients = Array.from({ length: 32 }, async () => {
      while (!stop) {
        const outcome = await post(port, agent, 5000);
        outcomes.push(outcome);
        if (outcome.status === 0) await new Promise((r) => setTimeout(r, 10));
      }
    });
    await new Promise((r) => setTimeout(r, 1500));
    const exited = new Promise<string>((resolve) =>
      child.once("exit", (code, signal) => resolve(String(code ?? signal))),
    );
    const signalled = performance.now();
    child.kill("SIGTERM");
    const code = await exited;
    const drainMs = performance.now() - signalled;
    stop = true;
    await Promise.all(clients);
    agent.destroy();

    const counts = JSON.parse(/counts (\{.*\})/.exec(output())?.[1] ?? "null") as {
      started: number;
      answered: number;
    };
    const answered = outcomes.filter((o) => o.status === 201).length;
    const others = outcomes.filter((o) => o.status !== 201 && o.status !== 0);
    // The default SIGTERM is raised again once drained, so the process ends as if killed by it.
    expect(["0", "SIGTERM"]).toContain(code);
    expect(counts.started).toBeGreaterThan(100);
    expect(counts.answered).toBe(counts.started);
    expect(answered).toBe(counts.answered);
    expect(others).toEqual([]);
    // Busy keep-alive connections are told to close after their answer, so the drain takes
    // about one request, far from the 10 s shutdownTimeout whose cut would lose requests.
    expect(drainMs).toBeLessThan(2000);
  });
});
