import { afterEach, describe, expect, it, vi } from "vitest";
import { unwatch, watchIdle } from "../../src/request/body.js";

describe("body idle watch", () => {
  afterEach(() => {
    vi.useRealTimers();
  });

  it("fails only the bodies that stayed idle, and never one that was unwatched", () => {
    vi.useFakeTimers();
    const failed: string[] = [];
    const watch = (name: string) =>
      watchIdle(500, (error) => failed.push(`${name} ${error.status}`));
    const idle = watch("idle");
    const busy = watch("busy");
    const done = watch("done");
    const last = watch("last");
    unwatch(done);
    unwatch(done); // twice is harmless

    vi.advanceTimersByTime(250);
    busy.active = true;
    last.active = true;
    vi.advanceTimersByTime(250);
    expect(failed).toEqual(["idle 408"]);

    vi.advanceTimersByTime(500);
    expect(failed.sort()).toEqual(["busy 408", "idle 408", "last 408"]);
    expect(idle.linked || busy.linked || done.linked || last.linked).toBe(false);
  });

  it("does not watch when the timeout is off", () => {
    const watched = watchIdle(0, () => {});
    expect(watched.linked).toBe(false);
    unwatch(watched);
  });
});
