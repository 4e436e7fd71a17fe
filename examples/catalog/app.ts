import { App, depends, HTTPException, Router, z } from "vial";

/** A price. The currency may be left out when creating; responses always carry it. */
export const Money = z
  .object({
    amount: z.number().min(0).describe("In the currency's main unit"),
    currency: z.enum(["EUR", "USD"]).default("EUR"),
  })
  .meta({ id: "Money" });

/** A product as clients send it. Named schemas become `components.schemas` in the document. */
export const Product = z
  .object({
    name: z.string().min(1).max(80).describe("Shown in the shop"),
    price: Money,
    tags: z.array(z.string()).default([]),
  })
  .meta({ id: "Product", description: "Something the shop sells" });

export const StoredProduct = Product.extend({ id: z.int().min(1) }).meta({ id: "StoredProduct" });

export const Message = z
  .object({ detail: z.string() })
  .meta({ id: "Message", description: "What went wrong" });

type StoredProduct = z.output<typeof StoredProduct>;

const search = depends(
  {
    query: {
      q: z.string().optional().describe("Words the name must contain"),
      tag: z.array(z.string()).default([]).describe("Repeat to require several tags"),
      max_price: z.number().min(0).optional(),
    },
  },
  ({ query }) => query,
);

// Deletions need the admin key, sent as a header. The security classes will document it as a
// security scheme; here it is a plain header input, documented as a parameter.
const requireAdmin = depends(
  { headers: { x_admin_key: z.string().describe("The catalog's admin key") } },
  ({ headers }) => {
    if (headers.x_admin_key !== (process.env.CATALOG_ADMIN_KEY ?? "admin")) {
      throw new HTTPException(403, "Not an admin");
    }
  },
);

/** The catalog API: every OpenAPI feature Vial has, on an in-memory store. */
export function createApp() {
  const products = new Map<number, StoredProduct>();
  let nextId = 1;
  const app = new App({
    title: "Catalog API",
    version: "2.1.0",
    summary: "Products, prices and newsletters",
    description: "The catalog of a small shop. Prices are in **EUR** unless said otherwise.",
    contact: { name: "Catalog team", email: "catalog@example.org" },
    license: { name: "MIT", identifier: "MIT" },
    openapiTags: [
      { name: "products", description: "Create, find and remove products" },
      { name: "newsletter", description: "Subscriptions by form" },
    ],
    swaggerUiParameters: { persistAuthorization: true, displayRequestDuration: true },
    redocOptions: { expandResponses: "200,201" },
  });

  const shop = new Router({ prefix: "/products", tags: ["products"] });

  shop.post(
    "",
    {
      body: Product,
      status: 201,
      response: StoredProduct,
      responses: { 409: { model: Message, description: "A product has this name" } },
    },
    function create_product({ body }) {
      for (const product of products.values()) {
        if (product.name === body.name) throw new HTTPException(409, "Name taken");
      }
      const product = { ...body, id: nextId++ };
      products.set(product.id, product);
      return product;
    },
  );

  shop.get(
    "",
    { deps: { filters: search }, response: z.array(StoredProduct) },
    function search_products({ filters }) {
      return [...products.values()].filter(
        (p) =>
          (filters.q === undefined || p.name.includes(filters.q)) &&
          filters.tag.every((t) => p.tags.includes(t)) &&
          (filters.max_price === undefined || p.price.amount <= filters.max_price),
      );
    },
  );

  shop.get(
    "/{id}",
    {
      params: { id: z.int().min(1) },
      response: StoredProduct,
      responses: { 404: { model: Message } },
    },
    function read_product({ params }) {
      const product = products.get(params.id);
      if (!product) throw new HTTPException(404, "Product not found");
      return product;
    },
  );

  shop.delete(
    "/{id}",
    {
      params: { id: z.int().min(1) },
      deps: [requireAdmin],
      status: 204,
      responses: { 403: { model: Message } },
    },
    function delete_product({ params }) {
      if (!products.delete(params.id)) throw new HTTPException(404, "Product not found");
    },
  );

  app.include(shop);

  app.get(
    "/items",
    {
      deprecated: true,
      tags: ["products"],
      summary: "List products (old name)",
      response: z.array(StoredProduct),
    },
    () => [...products.values()],
  );

  app.post(
    "/newsletter",
    {
      form: { email: z.email(), topics: z.array(z.enum(["news", "offers"])).default(["news"]) },
      cookies: { ref: z.string().optional().describe("Who sent the visitor") },
      status: 204,
      tags: ["newsletter"],
    },
    function subscribe() {},
  );

  app.get("/health", { includeInSchema: false }, () => ({ ok: true }));

  return app;
}
