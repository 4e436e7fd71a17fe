// The four workloads on Hono 4, served by @hono/node-server, validated with @hono/zod-validator.
import { serve } from "@hono/node-server";
import { zValidator } from "@hono/zod-validator";
import type { Context } from "hono";
import { Hono } from "hono";
import type { z } from "zod";
import { detail, User, UserParams, UserQuery } from "./zod-errors.js";

const app = new Hono();

/** The validator's hook: answers 422 with every issue instead of Hono's default 400. */
const reject =
  (source: string) =>
  (result: { success: true } | { success: false; error: z.core.$ZodError }, c: Context) =>
    result.success ? undefined : c.json(detail(source, result.error), 422);

app.get("/json", (c) => c.json({ message: "Hello, World!" }));

app.get(
  "/users/:id",
  zValidator("param", UserParams, reject("path")),
  zValidator("query", UserQuery, reject("query")),
  (c) => c.json({ id: c.req.valid("param").id, verbose: c.req.valid("query").verbose }),
);

app.post("/users/", zValidator("json", User, reject("body")), (c) =>
  c.json(c.req.valid("json"), 201),
);

serve({ fetch: app.fetch, port: Number(process.env.PORT ?? 3000), hostname: "127.0.0.1" });
