// The ceiling: the four workloads on bare node:http, with routing, parsing and validation
// written by hand for exactly these routes. No framework can do less work than this.
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";

interface ErrorItem {
  type: string;
  loc: (string | number)[];
  msg: string;
  input?: unknown;
}

const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;
const INTEGER = /^[+-]?\d+$/;
const TRUE = new Set(["true", "1", "yes", "on", "t", "y"]);
const FALSE = new Set(["false", "0", "no", "off", "f", "n"]);

function send(res: ServerResponse, status: number, value: unknown): void {
  const body = JSON.stringify(value);
  res.writeHead(status, {
    "content-type": "application/json",
    "content-length": Buffer.byteLength(body),
  });
  res.end(body);
}

function getUser(res: ServerResponse, id: string, search: string) {
  const errors: ErrorItem[] = [];
  if (!INTEGER.test(id)) {
    errors.push({
      type: "int_parsing",
      loc: ["path", "id"],
      msg: "Input should be a valid integer, unable to parse string as an integer",
      input: id,
    });
  }
  let verbose = false;
  const raw = new URLSearchParams(search).get("verbose");
  if (raw !== null) {
    const lower = raw.toLowerCase();
    if (TRUE.has(lower)) verbose = true;
    else if (!FALSE.has(lower)) {
      errors.push({
        type: "bool_parsing",
        loc: ["query", "verbose"],
        msg: "Input should be a valid boolean, unable to interpret input",
        input: raw,
      });
    }
  }
  if (errors.length > 0) return send(res, 422, { detail: errors });
  send(res, 200, { id: Number(id), verbose });
}

function validateUser(value: unknown): ErrorItem[] {
  if (typeof value !== "object" || value === null || Array.isArray(value)) {
    return [
      {
        type: "model_attributes_type",
        loc: ["body"],
        msg: "Input should be a valid dictionary or object",
        input: value,
      },
    ];
  }
  const user = value as Record<string, unknown>;
  const errors: ErrorItem[] = [];
  const { username, email, age } = user;
  if (username === undefined)
    errors.push({ type: "missing", loc: ["body", "username"], msg: "Field required" });
  else if (typeof username !== "string")
    errors.push({
      type: "string_type",
      loc: ["body", "username"],
      msg: "Input should be a valid string",
      input: username,
    });
  else if (username.length < 3)
    errors.push({
      type: "string_too_short",
      loc: ["body", "username"],
      msg: "String should have at least 3 characters",
      input: username,
    });
  if (email === undefined)
    errors.push({ type: "missing", loc: ["body", "email"], msg: "Field required" });
  else if (typeof email !== "string" || !EMAIL.test(email))
    errors.push({
      type: "value_error",
      loc: ["body", "email"],
      msg: "value is not a valid email address",
      input: email,
    });
  if (age === undefined)
    errors.push({ type: "missing", loc: ["body", "age"], msg: "Field required" });
  else if (!Number.isInteger(age))
    errors.push({
      type: "int_type",
      loc: ["body", "age"],
      msg: "Input should be a valid integer",
      input: age,
    });
  else if ((age as number) < 0)
    errors.push({
      type: "greater_than_equal",
      loc: ["body", "age"],
      msg: "Input should be greater than or equal to 0",
      input: age,
    });
  return errors;
}

function createUser(req: IncomingMessage, res: ServerResponse) {
  const chunks: Buffer[] = [];
  req.on("data", (chunk: Buffer) => chunks.push(chunk));
  req.on("end", () => {
    if (!req.headers["content-type"]?.startsWith("application/json")) {
      return send(res, 422, {
        detail: [
          {
            type: "model_attributes_type",
            loc: ["body"],
            msg: "Input should be a valid dictionary or object",
          },
        ],
      });
    }
    let value: unknown;
    try {
      value = JSON.parse(Buffer.concat(chunks).toString("utf8"));
    } catch {
      return send(res, 422, {
        detail: [{ type: "json_invalid", loc: ["body", 0], msg: "JSON decode error" }],
      });
    }
    const errors = validateUser(value);
    if (errors.length > 0) return send(res, 422, { detail: errors });
    const { username, email, age } = value as { username: string; email: string; age: number };
    send(res, 201, { username, email, age });
  });
}

const server = createServer((req, res) => {
  const url = req.url ?? "/";
  const mark = url.indexOf("?");
  const path = mark === -1 ? url : url.slice(0, mark);
  const search = mark === -1 ? "" : url.slice(mark + 1);
  if (req.method === "GET" && path === "/json") return send(res, 200, { message: "Hello, World!" });
  if (req.method === "GET" && path.startsWith("/users/") && path.indexOf("/", 7) === -1) {
    return getUser(res, decodeURIComponent(path.slice(7)), search);
  }
  if (req.method === "POST" && path === "/users/") return createUser(req, res);
  send(res, 404, { detail: "Not Found" });
});

server.listen(Number(process.env.PORT ?? 3000), "127.0.0.1");
