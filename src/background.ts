import type { Logger } from "./logger.js";

type Task = { fn: (...args: any[]) => unknown; args: unknown[] };

const KEEP_TASKS =
  "Tasks run only after a handler returns; to answer with an error and still run them, " +
  "return the error response (return new JSONResponse({ detail }, { status: 400 })) instead of throwing.";

/**
 * Work to do after the response has been sent (`ctx.background`), FastAPI's `BackgroundTasks`.
 * Tasks run in the order added, one at a time; a task that fails is logged with the request id
 * and the next one still runs. Tasks only run when the handler returned normally: if it throws,
 * they are dropped and each one is named in a warning, never lost silently (fastapi#2604).
 *
 * @example
 * app.post("/signup", ({ body, background }) => {
 *   background.add(sendWelcomeEmail, body.email);
 *   return { ok: true };
 * });
 */
export class BackgroundTasks {
  readonly #tasks: Task[] = [];

  add<A extends unknown[]>(fn: (...args: A) => unknown, ...args: A): void {
    this.#tasks.push({ fn, args });
  }

  get size(): number {
    return this.#tasks.length;
  }

  /** Runs every task in order; never throws. */
  async run(logger: Logger, requestId: string): Promise<void> {
    for (const task of this.#tasks.splice(0)) {
      try {
        await task.fn(...task.args);
      } catch (error) {
        logger.error(
          { err: error, requestId, task: task.fn.name || "anonymous" },
          "Background task failed",
        );
      }
    }
  }

  /** Forgets every task, naming them in one warning that says how to keep them. */
  drop(logger: Logger, requestId: string, reason: string, hint = KEEP_TASKS): void {
    const names = this.#tasks.splice(0).map((t) => t.fn.name || "anonymous");
    if (names.length) {
      logger.warn(
        { requestId, tasks: names },
        `Background tasks dropped: ${reason} (${names.join(", ")}). ${hint}`,
      );
    }
  }
}
