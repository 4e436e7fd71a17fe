import type { Stats } from "node:fs";
import type { IncomingHttpHeaders } from "node:http";

/** A strong validator from size and modification time (nginx's choice). */
export function etagOf(stats: Stats, encoding?: string): string {
  const base = `${stats.size.toString(16)}-${Math.floor(stats.mtimeMs).toString(16)}`;
  return `"${encoding ? `${base}-${encoding}` : base}"`;
}

/**
 * Whether the client's cached copy is current (RFC 9110 §13.1): `If-None-Match` (weak
 * comparison, `*` matches) when sent, else `If-Modified-Since` at one-second precision.
 */
export function notModified(headers: IncomingHttpHeaders, etag: string, mtime: Date): boolean {
  const match = headers["if-none-match"];
  if (match !== undefined) {
    const tags = match.split(",").map((t) => t.trim().replace(/^W\//, ""));
    return tags.includes("*") || tags.includes(etag);
  }
  const since = headers["if-modified-since"];
  if (since === undefined) return false;
  const date = Date.parse(since);
  return !Number.isNaN(date) && Math.floor(mtime.getTime() / 1000) * 1000 <= date;
}

export type RangeResult =
  | { kind: "full" }
  | { kind: "partial"; start: number; end: number }
  | { kind: "unsatisfiable" };

/**
 * Reads a `Range: bytes=...` header for a file of `size` bytes. One range is served as 206;
 * several, a malformed header, or a stale `If-Range` give the whole file; a range starting past
 * the end gives 416.
 */
export function parseRange(
  headers: IncomingHttpHeaders,
  size: number,
  etag: string,
  mtime: Date,
): RangeResult {
  const header = headers.range;
  if (!header?.startsWith("bytes=") || header.includes(",")) return { kind: "full" };
  const ifRange = headers["if-range"];
  if (typeof ifRange === "string") {
    const current = ifRange.startsWith('"')
      ? ifRange === etag
      : Date.parse(ifRange) === Math.floor(mtime.getTime() / 1000) * 1000;
    if (!current) return { kind: "full" };
  }
  const match = /^bytes=(\d*)-(\d*)$/.exec(header.trim());
  if (!match || (match[1] === "" && match[2] === "")) return { kind: "full" };
  let start: number;
  let end: number;
  if (match[1] === "") {
    const suffix = Number(match[2]);
    if (suffix === 0 || size === 0) return { kind: "unsatisfiable" };
    start = Math.max(0, size - suffix);
    end = size - 1;
  } else {
    start = Number(match[1]);
    if (start >= size) return { kind: "unsatisfiable" };
    end = match[2] === "" ? size - 1 : Math.min(Number(match[2]), size - 1);
    if (end < start) return { kind: "full" };
  }
  return { kind: "partial", start, end };
}

/** The content codings the client accepts, of those Vial can serve precompressed, best first. */
export function acceptedEncodings(header: string | string[] | undefined): string[] {
  if (typeof header !== "string" || header === "") return [];
  const accepted = new Map<string, number>();
  for (const part of header.split(",")) {
    const [name = "", ...params] = part.split(";").map((s) => s.trim().toLowerCase());
    const q = Number(params.find((p) => p.startsWith("q="))?.slice(2) ?? 1);
    accepted.set(name === "x-gzip" ? "gzip" : name, q);
  }
  const wildcard = accepted.get("*") ?? 0;
  return ["br", "gzip"].filter((coding) => (accepted.get(coding) ?? wildcard) > 0);
}
