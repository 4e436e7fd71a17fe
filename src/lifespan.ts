/**
 * Set-up and tear-down around the app's life, FastAPI's `lifespan`: an async generator that sets
 * up, yields the app state, and tears down after the yield. A function returning the state (or
 * nothing) works too, for apps with nothing to tear down.
 *
 * @example
 * const app = new App({
 *   lifespan: async function* () {
 *     const pool = await open();
 *     yield { pool };
 *     await pool.close();
 *   },
 * });
 */
export type Lifespan<S, A = unknown> = (
  app: A,
) =>
  | AsyncGenerator<S, void, unknown>
  | Generator<S, void, unknown>
  | Promise<S | undefined>
  | S
  | undefined;

type Running = AsyncGenerator<unknown, void, unknown> | Generator<unknown, void, unknown>;

/** Runs a lifespan: `start` once, `stop` once after a successful start. */
export class LifespanRunner<S> {
  #running: Running | undefined;

  constructor(private readonly lifespan: Lifespan<S, any> | undefined) {}

  /** Runs the set-up; resolves to the state it yields or returns (`{}` when none). */
  async start(app: unknown): Promise<S | Record<string, never>> {
    if (!this.lifespan) return {};
    const result = this.lifespan(app);
    if (isGenerator(result)) {
      const first = await result.next();
      if (first.done) {
        throw new Error(
          "The lifespan generator returned without yielding; it must `yield` once (the app state, or nothing).",
        );
      }
      this.#running = result;
      return (first.value ?? {}) as S;
    }
    return ((await result) ?? {}) as S;
  }

  /** Runs the tear-down, the code after the lifespan's `yield`. */
  async stop(): Promise<void> {
    const running = this.#running;
    this.#running = undefined;
    if (!running) return;
    const next = await running.next();
    if (!next.done) {
      await running.return(undefined);
      throw new Error(
        "The lifespan generator yielded more than once; it must `yield` exactly once.",
      );
    }
  }
}

function isGenerator(value: unknown): value is Running {
  return (
    typeof value === "object" &&
    value !== null &&
    typeof (value as Running).next === "function" &&
    typeof (value as Running).throw === "function"
  );
}
