// The four workloads on Fastify 5, the idiomatic way: JSON schemas on the routes (ajv validates,
// fast-json-stringify serializes). Validation failures answer 422 in FastAPI's shape like the
// other targets; ajv stops at the first error, as Fastify configures it by default.
import Fastify, { type FastifyError } from "fastify";

const app = Fastify({ logger: false });

const SOURCES: Record<string, string> = {
  body: "body",
  params: "path",
  querystring: "query",
  headers: "header",
};

app.setErrorHandler((error: FastifyError, _request, reply) => {
  if (!error.validation) return reply.send(error);
  const source = SOURCES[error.validationContext ?? "body"] ?? "body";
  const detail = error.validation.map((issue) => {
    const path = issue.instancePath.split("/").slice(1);
    const missing = issue.params.missingProperty;
    if (typeof missing === "string") path.push(missing);
    return { type: issue.keyword, loc: [source, ...path], msg: issue.message };
  });
  return reply.code(422).send({ detail });
});

app.get(
  "/json",
  {
    schema: {
      response: {
        200: { type: "object", properties: { message: { type: "string" } }, required: ["message"] },
      },
    },
  },
  async () => ({ message: "Hello, World!" }),
);

app.get<{ Params: { id: number }; Querystring: { verbose: boolean } }>(
  "/users/:id",
  {
    schema: {
      params: { type: "object", properties: { id: { type: "integer" } }, required: ["id"] },
      querystring: {
        type: "object",
        properties: { verbose: { type: "boolean", default: false } },
      },
      response: {
        200: {
          type: "object",
          properties: { id: { type: "integer" }, verbose: { type: "boolean" } },
          required: ["id", "verbose"],
        },
      },
    },
  },
  async (request) => ({ id: request.params.id, verbose: request.query.verbose }),
);

const user = {
  type: "object",
  properties: {
    username: { type: "string", minLength: 3 },
    email: { type: "string", format: "email" },
    age: { type: "integer", minimum: 0 },
  },
  required: ["username", "email", "age"],
} as const;

app.post<{ Body: { username: string; email: string; age: number } }>(
  "/users/",
  { schema: { body: user, response: { 201: user } } },
  async (request, reply) => {
    reply.code(201);
    return request.body;
  },
);

await app.listen({ port: Number(process.env.PORT ?? 3000), host: "127.0.0.1" });
