import type { Exchange } from "../exchange.js";
import { TemplateError } from "./template-error.js";

const SECRET_HEADERS = new Set(["cookie", "authorization", "proxy-authorization", "x-api-key"]);
const SECRET_FIELD = /pass|secret|token|key|csrf/i;

/**
 * The development page for an unhandled error: the error, the template and line for template
 * errors, the stack trace, and the request (credentials hidden). Only shown when `debug` is on.
 */
export function debugPage(x: Exchange, error: unknown): string {
  const err = error instanceof Error ? error : new Error(String(error));
  const sections = [
    `<h1>${escapeHtml(err.name)}</h1><p class="message">${escapeHtml(err.message)}</p>`,
  ];
  if (err instanceof TemplateError) sections.push(templateSection(err));
  sections.push(`<h2>Traceback</h2><pre>${escapeHtml(err.stack ?? String(err))}</pre>`);
  sections.push(requestSection(x));
  sections.push(
    '<p class="note">This page is shown because the app runs in development (debug). In production the visitor sees a plain 500 page.</p>',
  );
  return page(`${err.name}: ${err.message.split("\n")[0]}`, sections.join("\n"));
}

function templateSection(err: TemplateError): string {
  const where = `${err.template ?? "unknown template"}${err.line ? `, line ${err.line}` : ""}`;
  const lines = err.excerpt
    .map(
      ({ line, text }) =>
        `<span class="${line === err.line ? "hit" : ""}">${String(line).padStart(4)}  ${escapeHtml(text)}</span>`,
    )
    .join("\n");
  return `<h2>Template ${escapeHtml(where)}</h2>${lines ? `<pre class="source">${lines}</pre>` : ""}`;
}

function requestSection(x: Exchange): string {
  const rows: [string, string][] = [
    ["Method", x.req.method ?? "GET"],
    ["URL", x.req.url ?? "/"],
    ["Route", x.route?.label ?? "(no route)"],
    ["Request id", x.requestId],
  ];
  const headers = Object.entries(x.req.headers).map(
    ([name, value]) =>
      [name, SECRET_HEADERS.has(name) ? "[hidden]" : String(value)] as [string, string],
  );
  const form = Object.entries(x.formFields ?? {}).map(
    ([name, value]) =>
      [name, SECRET_FIELD.test(name) ? "[hidden]" : String(value)] as [string, string],
  );
  return [
    `<h2>Request</h2>${table(rows)}`,
    `<h3>Headers</h3>${table(headers)}`,
    form.length ? `<h3>Form</h3>${table(form)}` : "",
  ].join("\n");
}

function table(rows: [string, string][]): string {
  const body = rows
    .map(([k, v]) => `<tr><th>${escapeHtml(k)}</th><td>${escapeHtml(v)}</td></tr>`)
    .join("");
  return `<table>${body}</table>`;
}

/** A complete HTML page around `body`, with a little style. */
export function page(title: string, body: string): string {
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escapeHtml(title)}</title>
<style>
body { font-family: system-ui, sans-serif; margin: 2rem auto; max-width: 60rem; padding: 0 1rem; color: #222; }
h1 { font-size: 1.6rem; } pre { background: #f5f5f5; padding: 1rem; overflow-x: auto; }
.message { font-size: 1.1rem; white-space: pre-wrap; } .source span { display: block; }
.source .hit { background: #ffe08a; } table { border-collapse: collapse; } th, td { text-align: left;
padding: .2rem .6rem; border-bottom: 1px solid #eee; vertical-align: top; } .note { color: #777; }
</style>
</head>
<body>
${body}
</body>
</html>
`;
}

export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}
