// Every example app whose OpenAPI document the suite checks (validators, lint, snapshot).
// Add a new example here, once, and all of those checks cover it.
import type { App } from "vial";
import { createApp as createBlog } from "../../examples/blog/app.js";
import { createApp as createCatalog } from "../../examples/catalog/app.js";
import { createApp as createUsers } from "../../examples/users/app.js";

export interface ExampleApp {
  /** Names the snapshot: `__snapshots__/<name>.openapi.json`. */
  readonly name: string;
  /** A fresh app; it is not started, since its document needs no lifespan. */
  readonly create: () => App<any>;
}

export const EXAMPLE_APPS: readonly ExampleApp[] = [
  { name: "users", create: () => createUsers(":memory:") },
  { name: "catalog", create: () => createCatalog() },
  { name: "blog", create: () => createBlog({ database: ":memory:", secretKey: "docs" }) },
];
