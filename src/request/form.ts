import type { IncomingMessage } from "node:http";
import busboy from "busboy";
import { ClientDisconnected, HTTPException } from "../errors.js";
import { DEFAULT_BODY_TIMEOUT, readBody, unwatch, watchIdle } from "./body.js";
import { parseQuery, type RawValues } from "./query.js";

/** Limits for form bodies; each one exceeded is a 413 naming it. */
export interface FormLimits {
  /** Total body size in bytes. */
  bodyLimit: number;
  /** Largest single field value in bytes (default 1 MiB). */
  fieldSize?: number;
  /** Most parts in a multipart body (default 1000). */
  parts?: number;
  /** A body that sends nothing for this long is cut off with 408, in ms. */
  idleTimeout?: number;
}

export interface ParsedForm {
  fields: RawValues;
}

/**
 * Reads an `application/x-www-form-urlencoded` or `multipart/form-data` body into raw string
 * values (repeated names keep every value). Any other media type gives `undefined`, which the
 * `form` schema then reports as a validation error.
 */
export async function parseForm(
  req: IncomingMessage,
  mediaType: string,
  limits: FormLimits,
): Promise<ParsedForm | undefined> {
  if (mediaType === "application/x-www-form-urlencoded") {
    const body = await readBody(req, limits.bodyLimit, limits.idleTimeout);
    return { fields: parseQuery(body.toString("utf8"), "form body") };
  }
  if (mediaType === "multipart/form-data") return parseMultipart(req, limits);
  return undefined;
}

function parseMultipart(req: IncomingMessage, limits: FormLimits): Promise<ParsedForm> {
  const declared = Number(req.headers["content-length"] ?? 0);
  if (declared > limits.bodyLimit)
    return Promise.reject(tooLarge(`the body limit of ${limits.bodyLimit} bytes`));
  const fieldSize = limits.fieldSize ?? 1024 * 1024;
  const parts = limits.parts ?? 1000;
  return new Promise((resolve, reject) => {
    const fields: RawValues = Object.create(null);
    let parser: busboy.Busboy;
    try {
      parser = busboy({ headers: req.headers, limits: { fieldSize, parts, fieldNameSize: 200 } });
    } catch (error) {
      reject(new HTTPException(400, `Malformed multipart body: ${(error as Error).message}`));
      return;
    }
    let size = 0;
    let failed = false;
    const watched = watchIdle(limits.idleTimeout ?? DEFAULT_BODY_TIMEOUT, (error) => fail(error));
    const fail = (error: Error) => {
      unwatch(watched);
      if (failed) return;
      failed = true;
      req.unpipe(parser);
      req.off("data", count);
      req.pause();
      reject(error);
    };
    const count = (chunk: Buffer) => {
      watched.active = true;
      size += chunk.length;
      if (size > limits.bodyLimit) fail(tooLarge(`the body limit of ${limits.bodyLimit} bytes`));
    };
    parser.on("field", (name, value, info) => {
      if (info.valueTruncated)
        return fail(tooLarge(`the field size limit of ${fieldSize} bytes (field '${name}')`));
      const current = fields[name];
      if (current === undefined) fields[name] = value;
      else if (typeof current === "string") fields[name] = [current, value];
      else current.push(value);
    });
    // File parts are skipped here; `files` inputs read them (see the uploads guide).
    parser.on("file", (_name, stream) => stream.resume());
    parser.on("partsLimit", () => fail(tooLarge(`the limit of ${parts} parts`)));
    parser.on("error", (error: Error) =>
      fail(new HTTPException(400, `Malformed multipart body: ${error.message}`)),
    );
    parser.on("close", () => {
      unwatch(watched);
      if (!failed) resolve({ fields });
    });
    req.on("data", count);
    req.on("close", () => {
      if (!req.complete) fail(new ClientDisconnected());
    });
    req.pipe(parser);
  });
}

function tooLarge(limit: string): HTTPException {
  return new HTTPException(413, `Request body exceeds ${limit}`, { connection: "close" });
}
