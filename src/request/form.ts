import type { IncomingMessage } from "node:http";
import busboy from "busboy";
import { ClientDisconnected, HTTPException } from "../errors.js";
import { readBody } from "./body.js";
import { parseQuery, type RawValues } from "./query.js";
import { tooLarge, type UploadCollector } from "./uploads.js";

/** Limits for form bodies; each one exceeded is a 413 naming it. */
export interface FormLimits {
  /** Total body size in bytes. */
  bodyLimit: number;
  /** Largest single field value in bytes (default 1 MiB). */
  fieldSize?: number;
  /** Most parts in a multipart body (default 1000). */
  parts?: number;
  /** Most files in a multipart body (default: no limit); only read with `collector`. */
  files?: number;
  /** Largest file in bytes (default: no limit); only read with `collector`. */
  fileSize?: number;
  /** Names the total limit in the 413 message (default `bodyLimit`). */
  bodyLimitName?: string;
  /** Receives file parts (routes taking `files`); without it, file parts are skipped. */
  collector?: UploadCollector;
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
    const body = await readBody(req, limits.bodyLimit);
    return { fields: parseQuery(body.toString("utf8"), "form body") };
  }
  if (mediaType === "multipart/form-data") return parseMultipart(req, limits);
  return undefined;
}

function parseMultipart(req: IncomingMessage, limits: FormLimits): Promise<ParsedForm> {
  const total = `the ${limits.bodyLimitName ?? "body limit"} of ${limits.bodyLimit} bytes`;
  const declared = Number(req.headers["content-length"] ?? 0);
  if (declared > limits.bodyLimit) return Promise.reject(tooLarge(`Request body exceeds ${total}`));
  const fieldSize = limits.fieldSize ?? 1024 * 1024;
  const parts = limits.parts ?? 1000;
  const collector = limits.collector;
  return new Promise((resolve, reject) => {
    const fields: RawValues = Object.create(null);
    let parser: busboy.Busboy;
    try {
      parser = busboy({
        headers: req.headers,
        limits: {
          fieldSize,
          parts,
          fieldNameSize: 200,
          files: limits.files,
          fileSize: limits.fileSize,
        },
      });
    } catch (error) {
      reject(new HTTPException(400, `Malformed multipart body: ${(error as Error).message}`));
      return;
    }
    let size = 0;
    let failed = false;
    const reading: Promise<void>[] = [];
    const streams = new Set<NodeJS.ReadableStream & { destroy(): void }>();
    const fail = (error: Error) => {
      if (failed) return;
      failed = true;
      req.unpipe(parser);
      req.off("data", count);
      req.pause();
      for (const stream of streams) stream.destroy();
      // Temp files of a refused body go at once: the request never reaches a handler.
      Promise.allSettled(reading)
        .then(() => collector?.discard())
        .then(
          () => reject(error),
          () => reject(error),
        );
    };
    const count = (chunk: Buffer) => {
      size += chunk.length;
      if (size > limits.bodyLimit) fail(tooLarge(`Request body exceeds ${total}`));
    };
    parser.on("field", (name, value, info) => {
      if (info.valueTruncated) {
        return fail(
          tooLarge(
            `Request body exceeds the field size limit of ${fieldSize} bytes (field '${name}')`,
          ),
        );
      }
      const current = fields[name];
      if (current === undefined) fields[name] = value;
      else if (typeof current === "string") fields[name] = [current, value];
      else current.push(value);
    });
    parser.on("file", (name, stream, info) => {
      if (!collector || failed) return stream.resume();
      streams.add(stream);
      stream.once("close", () => streams.delete(stream));
      const file = { filename: info.filename ?? "", mimeType: info.mimeType };
      reading.push(collector.add(name, stream, file).catch(fail));
    });
    parser.on("partsLimit", () =>
      fail(tooLarge(`Request body exceeds the limit of ${parts} parts`)),
    );
    parser.on("filesLimit", () =>
      fail(
        tooLarge(`Request has more files than the upload limit of ${limits.files} (uploads.files)`),
      ),
    );
    parser.on("error", (error: Error) =>
      fail(new HTTPException(400, `Malformed multipart body: ${error.message}`)),
    );
    parser.on("close", () => {
      Promise.all(reading).then(() => {
        if (!failed) resolve({ fields });
      });
    });
    req.on("data", count);
    req.on("close", () => {
      if (!req.complete) fail(new ClientDisconnected());
    });
    req.pipe(parser);
  });
}
