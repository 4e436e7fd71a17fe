import { randomBytes } from "node:crypto";
import { App, depends, HTTPException, z } from "vial";
import { AccountStore } from "./accounts.js";
import { type AuthOptions, addAuth, type UsersState } from "./auth.js";
import { UserStore } from "./store.js";

/** What clients send to create a user: the seed's FastAPI `User` model. */
export const UserIn = z
  .object({
    username: z.string().min(3).max(50).describe("Unique, 3 to 50 characters"),
    email: z.email(),
    age: z.int().min(0).max(150),
  })
  .meta({ id: "UserIn" });

/** A partial update: any of the fields. */
export const UserPatch = UserIn.partial().meta({ id: "UserPatch" });

/** What the API returns for a user. */
export const UserOut = z
  .object({
    id: z.int(),
    username: z.string(),
    email: z.email(),
    age: z.int(),
  })
  .meta({ id: "User" });

const Problem = z.object({ detail: z.string() }).meta({ id: "Problem" });
const notFound = { 404: { description: "No user with this id", model: Problem } };
const taken = { 409: { description: "The username is taken", model: Problem } };

const pagination = depends(
  { query: { skip: z.int().min(0).default(0), limit: z.int().min(1).max(100).default(10) } },
  ({ query }) => query,
);

const userId = { id: z.int().min(1) };

/**
 * The users API: create, list, read, update and delete users in SQLite, with log-in (OAuth2
 * password flow and JWTs), a scope-protected report and an API-key-protected admin route.
 * `database` is a file name, or ":memory:" for a throwaway database. Keys default to
 * `SECRET_KEY` and `ADMIN_API_KEY` from the environment, else random ones (tokens then last
 * until a restart, and the admin route is closed).
 */
export function createApp(
  database = process.env.USERS_DB ?? "users.db",
  auth: Partial<AuthOptions> = {},
) {
  const app = new App<UsersState>({
    title: "Users API",
    version: "1.0.0",
    description:
      "The user-registration API of the Flask vs FastAPI comparison, on Vial and SQLite.",
    lifespan: async function* () {
      const users = new UserStore(database);
      const accounts = new AccountStore(database);
      yield { users, accounts };
      accounts.close();
      users.close();
    },
  });

  app.post(
    "/users/",
    { body: UserIn, status: 201, response: UserOut, tags: ["users"], responses: taken },
    function createUser({ body, app }) {
      const user = app.state.users.create(body);
      if (!user) throw new HTTPException(409, `Username '${body.username}' is already taken`);
      return user;
    },
  );

  app.get(
    "/users/",
    { deps: { page: pagination }, response: z.array(UserOut), tags: ["users"] },
    function listUsers({ page, app }) {
      return app.state.users.list(page.skip, page.limit);
    },
  );

  app.get(
    "/users/{id}",
    { params: userId, response: UserOut, tags: ["users"], responses: notFound },
    function getUser({ params, app }) {
      const user = app.state.users.get(params.id);
      if (!user) throw new HTTPException(404, "User not found");
      return user;
    },
  );

  app.patch(
    "/users/{id}",
    {
      params: userId,
      body: UserPatch,
      response: UserOut,
      tags: ["users"],
      responses: { ...notFound, ...taken },
    },
    function updateUser({ params, body, app }) {
      const user = app.state.users.update(params.id, body);
      if (user === "taken")
        throw new HTTPException(409, `Username '${body.username}' is already taken`);
      if (!user) throw new HTTPException(404, "User not found");
      return user;
    },
  );

  app.delete(
    "/users/{id}",
    { params: userId, status: 204, tags: ["users"], responses: notFound },
    function deleteUser({ params, app }) {
      if (!app.state.users.delete(params.id)) throw new HTTPException(404, "User not found");
    },
  );

  addAuth(app, {
    secretKey: auth.secretKey ?? process.env.SECRET_KEY ?? randomBytes(32).toString("hex"),
    adminKey: auth.adminKey ?? process.env.ADMIN_API_KEY ?? randomBytes(32).toString("hex"),
    tokenLifetime: auth.tokenLifetime,
  });

  return app;
}

export const app = createApp();
