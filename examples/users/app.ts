import { App, depends, HTTPException, z } from "vial";
import { UserStore } from "./store.js";

/** What clients send to create a user: the seed's FastAPI `User` model. */
export const UserIn = z.object({
  username: z.string().min(3).max(50),
  email: z.email(),
  age: z.int().min(0).max(150),
});

/** A partial update: any of the fields. */
export const UserPatch = UserIn.partial();

/** What the API returns for a user. */
export const UserOut = z.object({
  id: z.int(),
  username: z.string(),
  email: z.email(),
  age: z.int(),
});

const pagination = depends(
  { query: { skip: z.int().min(0).default(0), limit: z.int().min(1).max(100).default(10) } },
  ({ query }) => query,
);

const userId = { id: z.int().min(1) };

/**
 * The users API: create, list, read, update and delete users in SQLite.
 * `database` is a file name, or ":memory:" for a throwaway database.
 */
export function createApp(database = process.env.USERS_DB ?? "users.db") {
  const app = new App({
    title: "Users API",
    version: "1.0.0",
    description:
      "The user-registration API of the Flask vs FastAPI comparison, on Vial and SQLite.",
    lifespan: async function* () {
      const users = new UserStore(database);
      yield { users };
      users.close();
    },
  });

  app.post(
    "/users/",
    { body: UserIn, status: 201, response: UserOut, tags: ["users"] },
    ({ body, app }) => {
      const user = app.state.users.create(body);
      if (!user) throw new HTTPException(409, `Username '${body.username}' is already taken`);
      return user;
    },
  );

  app.get(
    "/users/",
    { deps: { page: pagination }, response: z.array(UserOut), tags: ["users"] },
    ({ page, app }) => app.state.users.list(page.skip, page.limit),
  );

  app.get(
    "/users/{id}",
    { params: userId, response: UserOut, tags: ["users"] },
    ({ params, app }) => {
      const user = app.state.users.get(params.id);
      if (!user) throw new HTTPException(404, "User not found");
      return user;
    },
  );

  app.patch(
    "/users/{id}",
    { params: userId, body: UserPatch, response: UserOut, tags: ["users"] },
    ({ params, body, app }) => {
      const user = app.state.users.update(params.id, body);
      if (user === "taken")
        throw new HTTPException(409, `Username '${body.username}' is already taken`);
      if (!user) throw new HTTPException(404, "User not found");
      return user;
    },
  );

  app.delete("/users/{id}", { params: userId, status: 204, tags: ["users"] }, ({ params, app }) => {
    if (!app.state.users.delete(params.id)) throw new HTTPException(404, "User not found");
  });

  return app;
}

export const app = createApp();
