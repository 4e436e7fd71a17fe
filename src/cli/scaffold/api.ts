import { commonFiles, type FileMap, type ScaffoldContext } from "./common.js";

/** `vial new NAME --template api`: a JSON API with validated bodies, 404s and tests. */
export function apiTemplate(ctx: ScaffoldContext): FileMap {
  return {
    ...commonFiles(ctx, "A JSON API."),
    "src/settings.ts": SETTINGS(ctx.name),
    "src/app.ts": APP,
    "test/app.test.ts": TEST(ctx.name),
  };
}

export const SETTINGS = (name: string) => `import { settings, z } from "vial";

/** Read from APP_* environment variables and .env; a missing or invalid one stops the start. */
export const config = settings(
  z.object({
    name: z.string().default(${JSON.stringify(name)}),
  }),
  { prefix: "APP_" },
);
`;

const APP = `import { App, HTTPException, z } from "vial";
import { config } from "./settings.js";

const ItemIn = z.object({
  name: z.string().min(1).max(100),
  price: z.number().positive(),
  tags: z.array(z.string()).default([]),
});

const Item = ItemIn.extend({ id: z.int() });
type Item = z.infer<typeof Item>;

export const app = new App({ title: config.name, version: "0.1.0" });

const items = new Map<number, Item>();
let nextId = 1;

app.get("/", () => ({ message: \`Hello from \${config.name}\` }));

app.post("/items/", { body: ItemIn, status: 201, response: Item, tags: ["items"] }, ({ body }) => {
  const item = { id: nextId++, ...body };
  items.set(item.id, item);
  return item;
});

app.get("/items/", { response: z.array(Item), tags: ["items"] }, () => [...items.values()]);

app.get(
  "/items/{id}",
  { params: { id: z.int().min(1) }, response: Item, tags: ["items"] },
  ({ params }) => {
    const item = items.get(params.id);
    if (!item) throw new HTTPException(404, "Item not found");
    return item;
  },
);
`;

const TEST = (name: string) => `import assert from "node:assert/strict";
import { test } from "node:test";
import { TestClient } from "vial/testing";
import { app } from "../src/app.js";

const client = new TestClient(app);

test("GET / says hello", async () => {
  const res = await client.get("/");
  assert.equal(res.status, 200);
  assert.deepEqual(res.json(), { message: ${JSON.stringify(`Hello from ${name}`)} });
});

test("an item is created, then read back", async () => {
  const created = await client.post("/items/", { json: { name: "Hammer", price: 9.5 } });
  assert.equal(created.status, 201);
  const item = created.json() as { id: number };
  assert.deepEqual(item, { id: item.id, name: "Hammer", price: 9.5, tags: [] });
  const read = await client.get(\`/items/\${item.id}\`);
  assert.deepEqual(read.json(), item);
});

test("an unknown item is a 404", async () => {
  const res = await client.get("/items/999");
  assert.equal(res.status, 404);
  assert.deepEqual(res.json(), { detail: "Item not found" });
});

test("an invalid item is a 422 listing every problem", async () => {
  const res = await client.post("/items/", { json: { name: "", price: -1 } });
  assert.equal(res.status, 422);
  const { detail } = res.json() as { detail: { loc: string[] }[] };
  assert.deepEqual(
    detail.map((error) => error.loc),
    [
      ["body", "name"],
      ["body", "price"],
    ],
  );
});
`;
