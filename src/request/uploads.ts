import { randomBytes } from "node:crypto";
import { once } from "node:events";
import { createWriteStream, openAsBlob, type WriteStream } from "node:fs";
import { copyFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { Readable } from "node:stream";
import { HTTPException } from "../errors.js";
import { nullRecord } from "./query.js";

/** Limits of multipart uploads (`new App({ uploads: {...} })`); each exceeded is a 413 naming it. */
export interface UploadLimits {
  /** Largest file, in bytes (default 10 MiB). */
  fileSize?: number;
  /** Most files in one request (default 20). */
  files?: number;
  /** Most parts, files and fields together (default 1000). */
  parts?: number;
  /** Largest text field, in bytes (default 1 MiB). */
  fieldSize?: number;
  /** Largest whole body of a route taking `files`, in bytes (default 50 MiB; a route's `bodyLimit` wins). */
  totalSize?: number;
  /** Files up to this size stay in memory; bigger ones are spooled to a temp file (default 1 MiB). */
  memoryThreshold?: number;
  /** Where spooled files go (default the system's temp folder). */
  tempDir?: string;
}

const MiB = 1024 * 1024;

export function resolveUploadLimits(limits: UploadLimits = {}): Required<UploadLimits> {
  return {
    fileSize: limits.fileSize ?? 10 * MiB,
    files: limits.files ?? 20,
    parts: limits.parts ?? 1000,
    fieldSize: limits.fieldSize ?? MiB,
    totalSize: limits.totalSize ?? 50 * MiB,
    memoryThreshold: limits.memoryThreshold ?? MiB,
    tempDir: limits.tempDir ?? tmpdir(),
  };
}

/**
 * An uploaded file (FastAPI's `UploadFile`), and a web `File`: `name`, `type`, `size`, `text()`,
 * `arrayBuffer()`, `stream()`, `slice()` work as on any `File`, so `z.file().max(...).mime(...)`
 * validates it. Small files are in memory; bigger ones were spooled to a temp file, which is
 * read lazily and removed after the response.
 *
 * @example
 * app.post("/photos", { files: { photo: z.file().mime(["image/png", "image/jpeg"]) } },
 *   async ({ files }) => {
 *     await files.photo.saveTo(`uploads/${secureFilename(files.photo.filename)}`);
 *     return { size: files.photo.size };
 *   });
 */
export class UploadFile extends File {
  /** The part's headers, lowercase names. */
  readonly headers: Readonly<Record<string, string>>;
  /** The temp file holding the content, when it was spooled to disk. */
  readonly tempPath: string | undefined;

  constructor(
    parts: (Blob | Uint8Array)[],
    filename: string,
    options: { type: string; headers?: Record<string, string>; tempPath?: string },
  ) {
    super(parts, filename, { type: options.type });
    this.headers = options.headers ?? {};
    this.tempPath = options.tempPath;
  }

  /** The file name the client sent (not safe as a path: see `secureFilename`). */
  get filename(): string {
    return this.name;
  }

  /** Writes the content to `path`. */
  async saveTo(path: string): Promise<void> {
    if (this.tempPath) await copyFile(this.tempPath, path);
    else await writeFile(path, new Uint8Array(await this.arrayBuffer()));
  }

  toJSON(): { filename: string; type: string; size: number } {
    return { filename: this.name, type: this.type, size: this.size };
  }
}

/**
 * `secure_filename` from Flask: a file name safe to join to a folder. Path separators, `..`,
 * and characters outside `[A-Za-z0-9_.-]` go; may return `""` (choose a name then).
 *
 * @example
 * secureFilename("../../etc/passwd");  // "etc_passwd"
 * secureFilename("My cat.jpg");         // "My_cat.jpg"
 */
export function secureFilename(filename: string): string {
  const ascii = filename.normalize("NFKD").replace(/[^\x20-\x7e]/g, "");
  const spaced = ascii.replace(/[/\\]/g, " ").trim().split(/\s+/).join("_");
  return spaced.replace(/[^A-Za-z0-9_.-]/g, "").replace(/^[._]+|[._]+$/g, "");
}

/** The uploaded files of one request by field, and the temp files to remove afterwards. */
export class UploadCollector {
  readonly files: Record<string, UploadFile[]> = nullRecord();
  readonly #temp: string[] = [];
  readonly #limits: Required<UploadLimits>;

  constructor(limits: Required<UploadLimits>) {
    this.#limits = limits;
  }

  /** Reads one file part to its end; over `fileSize` it rejects with a 413. */
  async add(
    field: string,
    stream: Readable & { truncated?: boolean },
    info: { filename: string; mimeType: string },
  ): Promise<void> {
    const limits = this.#limits;
    let chunks: Buffer[] = [];
    let size = 0;
    let disk: WriteStream | undefined;
    let path: string | undefined;
    try {
      for await (const chunk of stream as AsyncIterable<Buffer>) {
        size += chunk.length;
        if (disk) {
          if (!disk.write(chunk)) await once(disk, "drain");
          continue;
        }
        chunks.push(chunk);
        if (size > limits.memoryThreshold) {
          path = join(limits.tempDir, `vial-upload-${randomBytes(12).toString("hex")}`);
          this.#temp.push(path);
          disk = createWriteStream(path, { flags: "wx", mode: 0o600 });
          for (const piece of chunks) disk.write(piece);
          chunks = [];
        }
      }
    } finally {
      if (disk) {
        disk.end();
        await once(disk, "close");
      }
    }
    if (stream.truncated) {
      throw tooLarge(
        `File '${info.filename}' (field '${field}') is larger than the upload limit of ${limits.fileSize} bytes (uploads.fileSize)`,
      );
    }
    // A file input left empty is sent as a part with no name and no content: no file.
    if (info.filename === "" && size === 0) return;
    const parts = path ? [await openAsBlob(path)] : chunks;
    const file = new UploadFile(parts, info.filename, { type: info.mimeType, tempPath: path });
    const list = this.files[field];
    if (list) list.push(file);
    else this.files[field] = [file];
  }

  /** Removes the temp files; safe to call more than once. */
  async discard(): Promise<void> {
    const paths = this.#temp.splice(0);
    await Promise.all(paths.map((p) => rm(p, { force: true })));
  }
}

export function tooLarge(message: string): HTTPException {
  return new HTTPException(413, message, { connection: "close" });
}
