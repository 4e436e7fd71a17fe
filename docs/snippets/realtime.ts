import assert from "node:assert/strict";
import { App, EventSourceResponse, z } from "vial";
import { TestClient } from "vial/testing";

const app = new App();

// The seed's FastAPI WebSocket example, and rooms anyone in them can broadcast to.
app.ws("/ws", async (ws) => {
  for await (const data of ws) ws.send(`Message received: ${data}`);
});
app.ws("/rooms/{room}", { params: { room: z.string() } }, async (ws, { params }) => {
  ws.join(params.room);
  for await (const text of ws) app.broadcast(params.room, { room: params.room, text });
});

// Server-Sent Events from an async generator.
app.get(
  "/events",
  () =>
    new EventSourceResponse(async function* () {
      yield { event: "tick", id: 1, data: { n: 1 } };
    }),
);

const client = new TestClient(app);
const ws = await client.websocket("/ws");
await ws.send("hi");
assert.equal(await ws.receive(), "Message received: hi");

const ann = await client.websocket("/rooms/lobby");
const bob = await client.websocket("/rooms/lobby");
await ann.send("hello");
assert.deepEqual(await bob.receiveJson(), { room: "lobby", text: "hello" });

assert.equal((await client.get("/events")).text(), 'event: tick\nid: 1\ndata: {"n":1}\n\n');
await client.close(); // closes the WebSockets with 1001 and stops the server
