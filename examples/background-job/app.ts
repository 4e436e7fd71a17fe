import { setImmediate } from "node:timers/promises";
import { App, HTTPException, z } from "vial";
import { UserIn } from "../users/app.js";
import { type NewUser, UserStore } from "../users/store.js";
import { ImportStore } from "./imports.js";

const ImportOut = z.object({
  id: z.int(),
  status: z.enum(["queued", "running", "done", "failed"]),
  total: z.int(),
  created: z.int(),
  skipped: z.int(),
  error: z.string().nullable(),
});

/**
 * Bulk user imports into the users demo's SQLite database, as background work: `POST /imports/`
 * answers 202 at once with the import's id, and a background task writes the users (skipping
 * taken usernames) and records the outcome; `GET /imports/{id}` reports it. On shutdown
 * (`app.close()`, SIGTERM, Ctrl-C) the server stops accepting requests but running imports
 * finish before the database is closed.
 */
export function createApp(database = process.env.USERS_DB ?? "users.db") {
  const app = new App({
    title: "User imports",
    lifespan: async function* () {
      const users = new UserStore(database);
      const imports = new ImportStore(database);
      yield { users, imports };
      imports.close();
      users.close();
    },
  });

  async function importUsers(id: number, people: NewUser[]) {
    const { users, imports } = app.state;
    imports.update(id, { status: "running" });
    let created = 0;
    let skipped = 0;
    try {
      for (const person of people) {
        if (users.create(person)) created++;
        else skipped++;
        await setImmediate(); // let requests in between rows
      }
      imports.update(id, { status: "done", created, skipped });
    } catch (error) {
      imports.update(id, { status: "failed", created, skipped, error: String(error) });
      throw error; // logged by Vial with the request id
    }
  }

  app.post(
    "/imports/",
    {
      body: { users: z.array(UserIn).min(1).max(10_000) },
      status: 202,
      response: ImportOut,
      tags: ["imports"],
    },
    ({ body, background }) => {
      const job = app.state.imports.create(body.users.length);
      background.add(importUsers, job.id, body.users);
      return job;
    },
  );

  app.get(
    "/imports/{id}",
    { params: { id: z.int().min(1) }, response: ImportOut, tags: ["imports"] },
    ({ params }) => {
      const job = app.state.imports.get(params.id);
      if (!job) throw new HTTPException(404, "Import not found");
      return job;
    },
  );

  return app;
}
