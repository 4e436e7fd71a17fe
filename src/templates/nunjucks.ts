import { createRequire } from "node:module";

type Nunjucks = typeof import("nunjucks");

const require = createRequire(import.meta.url);
let nunjucks: Nunjucks | undefined;

/** nunjucks, loaded when an app first uses templates: API-only apps never load it. */
export function loadNunjucks(): Nunjucks {
  nunjucks ??= require("nunjucks") as Nunjucks;
  return nunjucks;
}
