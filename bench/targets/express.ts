// The four workloads on Express 5 with its JSON body parser and zod for validation.
import express from "express";
import { detail, User, UserParams, UserQuery } from "./zod-errors.js";

const app = express();

app.get("/json", (_req, res) => {
  res.json({ message: "Hello, World!" });
});

app.get("/users/:id", (req, res) => {
  const params = UserParams.safeParse(req.params);
  if (!params.success) return void res.status(422).json(detail("path", params.error));
  const query = UserQuery.safeParse(req.query);
  if (!query.success) return void res.status(422).json(detail("query", query.error));
  res.json({ id: params.data.id, verbose: query.data.verbose });
});

app.post("/users/", express.json(), (req, res) => {
  const body = User.safeParse(req.body);
  if (!body.success) return void res.status(422).json(detail("body", body.error));
  res.status(201).json(body.data);
});

app.listen(Number(process.env.PORT ?? 3000), "127.0.0.1");
