// Generated apps for the startup and type-check measurements: N routes of four kinds (plain
// JSON, typed path + query, validated body, dependency + response schema), in Vial and, for
// comparison, in Fastify. The Vial source has no type annotations, so it is valid as .ts and .js.

/** Vial: `routes` routes; route i lives under `/r{i}/`. */
export function vialApp(routes: number): string {
  const lines = [
    `import { App, depends, z } from "vial";`,
    ``,
    `const app = new App({ title: "generated" });`,
    `const User = z.object({ username: z.string().min(3), email: z.email(), age: z.int().min(0) });`,
    `const Item = z.object({ id: z.int(), skip: z.int(), limit: z.int() });`,
    `const pagination = depends(`,
    `  { query: { skip: z.int().min(0).default(0), limit: z.int().max(100).default(10) } },`,
    `  ({ query }) => query,`,
    `);`,
    ``,
  ];
  for (let i = 0; i < routes; i++) lines.push(vialRoute(i));
  lines.push(``, `export { app };`, ``);
  lines.push(`if (process.env.PORT) {`);
  lines.push(`  await app.listen({ port: Number(process.env.PORT), host: "127.0.0.1" });`);
  lines.push(`}`, ``);
  return lines.join("\n");
}

function vialRoute(i: number): string {
  switch (i % 4) {
    case 0:
      return `app.get("/r${i}/json", () => ({ message: "Hello, World!", route: ${i} }));`;
    case 1:
      return [
        `app.get(`,
        `  "/r${i}/users/{id}",`,
        `  { params: { id: z.int() }, query: { verbose: z.boolean().default(false) } },`,
        `  ({ params, query }) => ({ id: params.id, verbose: query.verbose }),`,
        `);`,
      ].join("\n");
    case 2:
      return `app.post("/r${i}/users/", { body: User, status: 201 }, ({ body }) => ({ ...body, route: ${i} }));`;
    default:
      return [
        `app.get(`,
        `  "/r${i}/items/{id}",`,
        `  { params: { id: z.int() }, deps: { page: pagination }, response: Item },`,
        `  ({ params, page }) => ({ id: params.id, skip: page.skip, limit: page.limit }),`,
        `);`,
      ].join("\n");
  }
}

/** Fastify: the same routes with JSON schemas. */
export function fastifyApp(routes: number): string {
  const lines = [
    `import Fastify from "fastify";`,
    ``,
    `const app = Fastify({ logger: false });`,
    `const user = { type: "object", required: ["username", "email", "age"], properties: {`,
    `  username: { type: "string", minLength: 3 }, email: { type: "string", format: "email" },`,
    `  age: { type: "integer", minimum: 0 } } };`,
    `const idParams = { type: "object", properties: { id: { type: "integer" } }, required: ["id"] };`,
    ``,
  ];
  for (let i = 0; i < routes; i++) lines.push(fastifyRoute(i));
  lines.push(``, `await app.listen({ port: Number(process.env.PORT), host: "127.0.0.1" });`, ``);
  return lines.join("\n");
}

function fastifyRoute(i: number): string {
  switch (i % 4) {
    case 0:
      return `app.get("/r${i}/json", async () => ({ message: "Hello, World!", route: ${i} }));`;
    case 1:
      return [
        `app.get("/r${i}/users/:id", { schema: { params: idParams, querystring: { type: "object",`,
        `  properties: { verbose: { type: "boolean", default: false } } } } },`,
        `  async (req) => ({ id: req.params.id, verbose: req.query.verbose }));`,
      ].join("\n");
    case 2:
      return [
        `app.post("/r${i}/users/", { schema: { body: user } }, async (req, reply) => {`,
        `  reply.code(201);`,
        `  return { ...req.body, route: ${i} };`,
        `});`,
      ].join("\n");
    default:
      return [
        `app.get("/r${i}/items/:id", { schema: { params: idParams, querystring: { type: "object",`,
        `  properties: { skip: { type: "integer", minimum: 0, default: 0 },`,
        `    limit: { type: "integer", maximum: 100, default: 10 } } },`,
        `  response: { 200: { type: "object", properties: { id: { type: "integer" },`,
        `    skip: { type: "integer" }, limit: { type: "integer" } } } } } },`,
        `  async (req) => ({ id: req.params.id, skip: req.query.skip, limit: req.query.limit }));`,
      ].join("\n");
  }
}

/** The highest route index below `routes` of the `/users/{id}` kind (for matching at the end). */
export function lastParamsRoute(routes: number): number {
  let i = routes - 1;
  while (i % 4 !== 1) i--;
  return i;
}
