import type { App } from "../app.js";
import { CliError } from "./errors.js";

/**
 * The app's OpenAPI document, from `app.openapi()`.
 *
 * @example
 * const doc = await openapiDocument(app); // { openapi: "3.1.0", info: {...}, paths: {...} }
 */
export async function openapiDocument(app: App<any>): Promise<unknown> {
  const generate = (app as unknown as { openapi?: () => unknown }).openapi;
  if (typeof generate !== "function") {
    throw new CliError(
      "This app has no app.openapi(): the installed vial does not generate OpenAPI documents. " +
        "Update vial (npm install vial@latest).",
    );
  }
  return await generate.call(app);
}
