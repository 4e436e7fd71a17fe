import assert from "node:assert/strict";
import { App, RedirectResponse, z } from "vial";
import { TestClient } from "vial/testing";

// templates/notes.html, in Jinja2 syntax:
//   {% for message in get_flashed_messages() %}<p class="flash">{{ message }}</p>{% endfor %}
//   <form method="post">{{ csrf_field() }}<input name="text"></form>
const templates = new URL("templates", import.meta.url).pathname;
const app = new App({ templates, secretKey: "change me" });

app.get("/", function notes({ render }) {
  return render("notes.html");
});
app.post("/", { form: { text: z.string().min(1) } }, ({ form, session }) => {
  session.flash(`Saved “${form.text}”.`);
  return new RedirectResponse({ route: "notes" }, { status: 303 }); // redirect by route name
});

const client = new TestClient(app);
const token = /name="csrf_token" value="([^"]+)"/.exec((await client.get("/")).text())?.[1] ?? "";
const saved = await client.post("/", { form: { csrf_token: token, text: "milk" } });
assert.match(saved.text(), /<p class="flash">Saved “milk”.<\/p>/);
assert.equal((await client.post("/", { form: { text: "no token" } })).status, 403); // CSRF
