// The README's "Server-rendered apps" example, with its template in a temp folder.
import { App, RedirectResponse, z } from "vial";
import { TestClient } from "vial/testing";
import { expect, test } from "vitest";
import { folderWith } from "./helpers.js";

test("the README example: a form with CSRF, a flash message and a redirect by route name", async () => {
  const templates = folderWith({
    "notes.html":
      '{% for message in get_flashed_messages() %}<p class="flash">{{ message }}</p>{% endfor %}\n' +
      '<form method="post">{{ csrf_field() }}<input name="text"></form>',
  });

  const app = new App({ templates, secretKey: "change me" });
  app.get("/", function notes({ render }) {
    return render("notes.html");
  });
  app.post("/", { form: { text: z.string().min(1) } }, ({ form, session }) => {
    session.flash(`Saved “${form.text}”.`);
    return new RedirectResponse({ route: "notes" }, { status: 303 });
  });

  const client = new TestClient(app);
  const page = await client.get("/");
  const token = /name="csrf_token" value="([^"]+)"/.exec(page.text())![1]!;
  const res = await client.post("/", { form: { csrf_token: token, text: "milk" } });
  expect(res.status).toBe(200);
  expect(res.text()).toContain('<p class="flash">Saved “milk”.</p>');
  expect((await client.post("/", { form: { text: "no token" } })).status).toBe(403);
});
