import type mimeTypes from "mime-types";
import { lazy } from "./lazy.js";

// The media-type database loads when a file is first served, not with the app.
const mime = lazy<typeof mimeTypes>("mime-types");

/** The `Content-Type` for a file name or extension (`false` when unknown), as mime-types gives it. */
export function contentType(nameOrExtension: string): string | false {
  return mime().contentType(nameOrExtension);
}
