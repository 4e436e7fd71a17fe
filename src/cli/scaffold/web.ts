import { SETTINGS } from "./api.js";
import { commonFiles, type FileMap, type ScaffoldContext } from "./common.js";

/** `vial new NAME --template web`: a server-rendered site with a form, Flask style. */
export function webTemplate(ctx: ScaffoldContext): FileMap {
  return {
    ...commonFiles(ctx, "A server-rendered web app: pages, a form, and a redirect after posting."),
    "src/settings.ts": SETTINGS(ctx.name),
    "src/html.ts": HTML,
    "src/app.ts": APP,
    "test/app.test.ts": TEST,
  };
}

const HTML = `/** Escapes text for HTML, so what visitors type is shown, never run. */
export function escape(text: string): string {
  return text
    .replaceAll("&", "&amp;")
    .replaceAll("<", "&lt;")
    .replaceAll(">", "&gt;")
    .replaceAll('"', "&quot;")
    .replaceAll("'", "&#39;");
}

/** A whole page around \`body\` (already HTML). */
export function page(title: string, body: string): string {
  return \`<!doctype html>
<html lang="en">
<head>
  <meta charset="utf-8">
  <meta name="viewport" content="width=device-width, initial-scale=1">
  <title>\${escape(title)}</title>
  <style>body { font-family: system-ui, sans-serif; max-width: 40rem; margin: 2rem auto; }</style>
</head>
<body>
\${body}
</body>
</html>\`;
}
`;

const APP = `import { App, HTMLResponse, RedirectResponse, RequestValidationError, z } from "vial";
import { escape, page } from "./html.js";
import { config } from "./settings.js";

export const app = new App({ title: config.name });

interface Message {
  name: string;
  text: string;
}

const messages: Message[] = [];

function guestbook(problems: string[] = []): string {
  const list = messages
    .map((m) => \`<li><strong>\${escape(m.name)}</strong>: \${escape(m.text)}</li>\`)
    .join("\\n");
  const errors = problems.map((p) => \`<p role="alert">\${escape(p)}</p>\`).join("\\n");
  return page(
    config.name,
    \`<h1>\${escape(config.name)}</h1>
\${errors}
<form method="post" action="/messages">
  <label>Name <input name="name" required maxlength="40"></label>
  <label>Message <input name="text" required maxlength="500"></label>
  <button>Sign</button>
</form>
<ul>\${list}</ul>\`,
  );
}

app.get("/", () => new HTMLResponse(guestbook()));

// Post, then redirect to the page: a reload does not post twice.
app.post(
  "/messages",
  { form: { name: z.string().trim().min(1).max(40), text: z.string().trim().min(1).max(500) } },
  ({ form }) => {
    messages.push(form);
    return new RedirectResponse("/", { status: 303 });
  },
);

// A form with mistakes shows the page again with what to fix, instead of a JSON 422.
app.exceptionHandler(RequestValidationError, (error) => {
  const problems = error.errors.map((e) => \`\${e.loc.at(-1)}: \${e.msg}\`);
  return new HTMLResponse(guestbook(problems), { status: 422 });
});
`;

const TEST = `import assert from "node:assert/strict";
import { test } from "node:test";
import { TestClient } from "vial/testing";
import { app } from "../src/app.js";

const client = new TestClient(app);

test("the page shows the form", async () => {
  const res = await client.get("/");
  assert.equal(res.status, 200);
  assert.match(res.headers.get("content-type") ?? "", /^text\\/html/);
  assert.match(res.text(), /<form method="post" action="\\/messages">/);
});

test("a signed message appears on the page, escaped", async () => {
  const res = await client.post("/messages", { form: { name: "Ann", text: "<b>hi</b>" } });
  assert.equal(res.status, 200);
  assert.equal(res.history[0]?.status, 303);
  assert.match(res.text(), /<strong>Ann<\\/strong>: &lt;b&gt;hi&lt;\\/b&gt;/);
});

test("an empty form shows the page again with what to fix", async () => {
  const res = await client.post("/messages", { form: { name: "", text: "" } });
  assert.equal(res.status, 422);
  assert.match(res.text(), /<p role="alert">name: /);
});
`;
