import assert from "node:assert/strict";
import { App } from "vial";
import { TestClient } from "vial/testing";

const app = new App();

// Flask-simple: an object is JSON, a string is text/plain.
app.get("/", () => ({ message: "Hello, World!" }));
app.get("/ping", () => "pong");

const client = new TestClient(app);
assert.deepEqual((await client.get("/")).json(), { message: "Hello, World!" });
assert.equal((await client.get("/ping")).text(), "pong");
