import { mkdtempSync, readdirSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { TestClient } from "vial/testing";
import { afterAll, describe, expect, test } from "vitest";
import { createApp } from "../../examples/blog/app.js";

const uploads = mkdtempSync(join(tmpdir(), "vial-blog-uploads-"));
afterAll(() => rmSync(uploads, { recursive: true, force: true }));

// A 1x1 PNG.
const PNG = Buffer.from(
  "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAQAAAC1HAwCAAAAC0lEQVR42mNkYAAAAAYAAjCB0C8AAAAASUVORK5CYII=",
  "base64",
);

function blog() {
  return new TestClient(
    createApp({ database: ":memory:", uploadsDir: uploads, secretKey: "test" }),
    {
      headers: { accept: "text/html" },
    },
  );
}

/** The CSRF token of the form on a page. */
function tokenIn(html: string): string {
  return /name="csrf_token" value="([\w-]+)"/.exec(html)![1]!;
}

async function register(client: TestClient, username: string, password = "s3cret") {
  const page = await client.get("/auth/register");
  return client.post("/auth/register", {
    form: { csrf_token: tokenIn(page.text()), username, password },
  });
}

async function logIn(client: TestClient, username: string, password = "s3cret") {
  const page = await client.get("/auth/login");
  return client.post("/auth/login", {
    form: { csrf_token: tokenIn(page.text()), username, password },
  });
}

describe("examples/blog (Flaskr on Vial)", () => {
  test("the index renders the base layout for visitors", async () => {
    const res = await blog().get("/");
    expect(res.status).toBe(200);
    expect(res.text()).toContain("<title>Posts - Flaskr</title>");
    expect(res.text()).toContain('<link rel="stylesheet" href="/static/style.css">');
    expect(res.text()).toContain('<a href="/auth/register">Register</a>');
    expect(res.text()).toContain("No posts yet.");
  });

  test("register, log in, create a post with an image, see it listed, edit it, delete it", async () => {
    const client = blog();
    const registered = await register(client, "ann");
    expect(registered.url).toBe("/auth/login");
    const loggedIn = await logIn(client, "ann");
    expect(loggedIn.url).toBe("/");
    expect(loggedIn.text()).toContain('<span class="user">ann</span>');
    expect(client.cookies.get("session")).toBeDefined();

    const form = await client.get("/create");
    expect(form.text()).toContain('enctype="multipart/form-data"');
    const created = await client.post("/create", {
      form: { csrf_token: tokenIn(form.text()), title: "Hello <world>", body: "First post" },
      files: { image: { filename: "dot.png", content: PNG, type: "image/png" } },
    });
    expect(created.history[0]?.status).toBe(303);
    const html = created.text();
    expect(html).toContain("<h1>Hello &lt;world&gt;</h1>");
    expect(html).toContain('<div class="flash message">Posted “Hello &lt;world&gt;”.</div>');
    expect(html).toMatch(/by ann on \d{4}-\d{2}-\d{2}/);
    const src = /<img src="(\/uploads\/[0-9a-f]+\.png)"/.exec(html)![1]!;
    const image = await client.get(src);
    expect(image.headers.get("content-type")).toBe("image/png");
    expect(image.body.equals(PNG)).toBe(true);
    // The flash message is shown once.
    expect((await client.get("/")).text()).not.toContain("Posted");

    const edit = await client.get("/1/update");
    expect(edit.text()).toContain('value="Hello &lt;world&gt;"');
    const updated = await client.post("/1/update", {
      form: { csrf_token: tokenIn(edit.text()), title: "Edited", body: "Changed" },
    });
    expect(updated.text()).toContain("<h1>Edited</h1>");

    const deleted = await client.post("/1/delete", { form: { csrf_token: tokenIn(edit.text()) } });
    expect(deleted.text()).toContain("Deleted “Edited”.");
    expect(deleted.text()).toContain("No posts yet.");

    const loggedOut = await client.post("/auth/logout", {
      form: { csrf_token: tokenIn(deleted.text()) },
    });
    expect(loggedOut.text()).toContain('<a href="/auth/login">Log In</a>');
    expect(client.cookies.get("session")).toBeUndefined();
  });

  test("form mistakes are flashed and the form keeps what was typed", async () => {
    const client = blog();
    await register(client, "bob");
    const taken = await register(client, "bob");
    expect(taken.status).toBe(400);
    expect(taken.text()).toContain(
      '<div class="flash error">User bob is already registered.</div>',
    );
    expect(taken.text()).toContain('value="bob"');
    const wrong = await logIn(client, "bob", "nope");
    expect(wrong.status).toBe(400);
    expect(wrong.text()).toContain("Incorrect username or password.");
    await logIn(client, "bob");
    const form = await client.get("/create");
    const noTitle = await client.post("/create", {
      form: { csrf_token: tokenIn(form.text()), title: "", body: "kept text" },
      files: {},
    });
    expect(noTitle.status).toBe(400);
    expect(noTitle.text()).toContain("Title is required.");
    expect(noTitle.text()).toContain(">kept text</textarea>");
    const notImage = await client.post("/create", {
      form: { csrf_token: tokenIn(form.text()), title: "T", body: "" },
      files: { image: { filename: "x.txt", content: "text", type: "text/plain" } },
    });
    expect(notImage.text()).toContain("The image must be a PNG, JPEG, GIF or WebP file.");
  });

  test("visitors are sent to the login page; others' posts cannot be edited", async () => {
    const client = blog();
    const create = await client.get("/create");
    expect(create.url).toBe("/auth/login");
    await register(client, "carol");
    await logIn(client, "carol");
    const form = await client.get("/create");
    await client.post("/create", {
      form: { csrf_token: tokenIn(form.text()), title: "Mine", body: "" },
      files: {},
    });
    await register(client, "dave");
    await logIn(client, "dave");
    expect((await client.get("/1/update")).status).toBe(403);
    expect((await client.get("/99/update")).status).toBe(404);
    expect((await client.get("/99/update")).text()).toContain("Post id 99 doesn&#39;t exist.");
  });

  test("posts without the CSRF token are refused", async () => {
    const client = blog();
    await register(client, "erin");
    await logIn(client, "erin");
    const res = await client.post("/create", { form: { title: "Forged", body: "" } });
    expect(res.status).toBe(403);
    expect((await client.get("/")).text()).not.toContain("Forged");
  });

  test("the uploads folder holds only the saved images", () => {
    for (const name of readdirSync(uploads)) expect(name).toMatch(/^[0-9a-f]{24}\.png$/);
  });
});
