import type { IncomingMessage } from "node:http";
import type { Readable } from "node:stream";
import type busboyType from "busboy";
import { ClientDisconnected, HTTPException } from "../errors.js";
import { lazy } from "../internal/lazy.js";
import { DEFAULT_BODY_TIMEOUT, type IdleWatch, readBody, unwatch, watchIdle } from "./body.js";
import { nullRecord, parseQuery, type RawValues } from "./query.js";
import { tooLarge, type UploadCollector } from "./uploads.js";

// busboy only loads for apps that receive multipart bodies.
const busboy = lazy<typeof busboyType>("busboy");

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
  /** A body that sends nothing for this long is cut off with 408, in ms. */
  idleTimeout?: number;
}

export interface ParsedForm {
  fields: RawValues;
  /** The body's bytes, for urlencoded bodies (multipart bodies are streamed, not kept). */
  raw?: Buffer;
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
    return { fields: parseQuery(body.toString("utf8"), "form body"), raw: body };
  }
  if (mediaType === "multipart/form-data") return parseMultipart(req, limits);
  return undefined;
}

function parseMultipart(req: IncomingMessage, limits: FormLimits): Promise<ParsedForm> {
  const total = `the ${limits.bodyLimitName ?? "body limit"} of ${limits.bodyLimit} bytes`;
  const declared = Number(req.headers["content-length"] ?? 0);
  if (declared > limits.bodyLimit) return Promise.reject(tooLarge(`Request body exceeds ${total}`));
  let parser: busboyType.Busboy;
  try {
    parser = busboy()({
      headers: req.headers,
      limits: {
        fieldSize: limits.fieldSize ?? 1024 * 1024,
        parts: limits.parts ?? 1000,
        fieldNameSize: 200,
        files: limits.files,
        fileSize: limits.fileSize,
      },
    });
  } catch (error) {
    return Promise.reject(
      new HTTPException(400, `Malformed multipart body: ${(error as Error).message}`),
    );
  }
  return new Promise((resolve, reject) =>
    new MultipartRead(req, parser, limits, total, resolve, reject).start(),
  );
}

type FileStream = NodeJS.ReadableStream & { destroy(): void };

/** One multipart body being read: fields collected, file parts handed to the collector. */
class MultipartRead {
  readonly #fields: RawValues = nullRecord();
  readonly #reading: Promise<void>[] = [];
  readonly #streams = new Set<FileStream>();
  #size = 0;
  #failed = false;
  #idle: IdleWatch | undefined;

  constructor(
    private readonly req: IncomingMessage,
    private readonly parser: busboyType.Busboy,
    private readonly limits: FormLimits,
    private readonly total: string,
    private readonly resolve: (form: ParsedForm) => void,
    private readonly reject: (error: Error) => void,
  ) {}

  start(): void {
    const { parser, req, limits } = this;
    this.#idle = watchIdle(limits.idleTimeout ?? DEFAULT_BODY_TIMEOUT, (error) =>
      this.#fail(error),
    );
    parser.on("field", (name, value, info) => this.#field(name, value, info.valueTruncated));
    parser.on("file", (name, stream, info) => this.#file(name, stream, info));
    parser.on("partsLimit", () =>
      this.#fail(tooLarge(`Request body exceeds the limit of ${limits.parts ?? 1000} parts`)),
    );
    parser.on("filesLimit", () =>
      this.#fail(
        tooLarge(`Request has more files than the upload limit of ${limits.files} (uploads.files)`),
      ),
    );
    parser.on("error", (error: Error) =>
      this.#fail(new HTTPException(400, `Malformed multipart body: ${error.message}`)),
    );
    parser.on("close", () => {
      if (this.#idle) unwatch(this.#idle);
      Promise.all(this.#reading).then(() => {
        if (!this.#failed) this.resolve({ fields: this.#fields });
      });
    });
    req.on("data", this.#count);
    req.on("close", () => {
      if (!req.complete) this.#fail(new ClientDisconnected());
    });
    req.pipe(parser);
  }

  readonly #count = (chunk: Buffer): void => {
    if (this.#idle) this.#idle.active = true;
    this.#size += chunk.length;
    if (this.#size > this.limits.bodyLimit) {
      this.#fail(tooLarge(`Request body exceeds ${this.total}`));
    }
  };

  #field(name: string, value: string, truncated: boolean): void {
    if (truncated) {
      const size = this.limits.fieldSize ?? 1024 * 1024;
      this.#fail(
        tooLarge(`Request body exceeds the field size limit of ${size} bytes (field '${name}')`),
      );
      return;
    }
    const current = this.#fields[name];
    if (current === undefined) this.#fields[name] = value;
    else if (typeof current === "string") this.#fields[name] = [current, value];
    else current.push(value);
  }

  #file(
    name: string,
    stream: FileStream & Readable,
    info: { filename?: string; mimeType: string },
  ) {
    const collector = this.limits.collector;
    // File parts are skipped unless the route takes `files` (see the uploads guide).
    if (!collector || this.#failed) {
      stream.resume();
      return;
    }
    this.#streams.add(stream);
    stream.once("close", () => this.#streams.delete(stream));
    const file = { filename: info.filename ?? "", mimeType: info.mimeType };
    this.#reading.push(collector.add(name, stream, file).catch((error) => this.#fail(error)));
  }

  #fail(error: Error): void {
    if (this.#idle) unwatch(this.#idle);
    if (this.#failed) return;
    this.#failed = true;
    this.req.unpipe(this.parser);
    this.req.off("data", this.#count);
    this.req.pause();
    for (const stream of this.#streams) stream.destroy();
    // Temp files of a refused body go at once: the request never reaches a handler.
    Promise.allSettled(this.#reading)
      .then(() => this.limits.collector?.discard())
      .then(
        () => this.reject(error),
        () => this.reject(error),
      );
  }
}
