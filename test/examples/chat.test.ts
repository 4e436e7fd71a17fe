import { TestClient, type TestWebSocket } from "vial/testing";
import { afterEach, describe, expect, test } from "vitest";
import { createApp } from "../../examples/chat/app.js";
import { refused } from "../realtime/helpers.js";

let client: TestClient;
afterEach(() => client.close());

const auth = (token: string) => ({ headers: { authorization: `Bearer ${token}` } });

async function enter(room: string, token: string): Promise<TestWebSocket> {
  return client.websocket(`/rooms/${room}`, auth(token));
}

describe("chat example", () => {
  test("members of a room see each other's messages, joins and leaves; other rooms see nothing", async () => {
    client = new TestClient(createApp());
    const ann = await enter("lobby", "ann-token");
    expect(await ann.receiveJson()).toEqual({ type: "join", room: "lobby", user: "ann" });
    const bob = await enter("lobby", "bob-token");
    expect(await ann.receiveJson()).toEqual({ type: "join", room: "lobby", user: "bob" });
    expect(await bob.receiveJson()).toEqual({ type: "join", room: "lobby", user: "bob" });
    const elsewhere = await enter("kitchen", "ann-token");
    expect(await elsewhere.receiveJson()).toEqual({ type: "join", room: "kitchen", user: "ann" });

    await bob.send({ text: "  hi ann  " });
    const said = { type: "message", room: "lobby", user: "bob", text: "hi ann" };
    expect(await ann.receiveJson()).toEqual(said);
    expect(await bob.receiveJson()).toEqual(said);

    await bob.close();
    expect(await ann.receiveJson()).toEqual({ type: "leave", room: "lobby", user: "bob" });
    await elsewhere.send({ text: "anyone?" });
    expect(await elsewhere.receiveJson()).toMatchObject({ room: "kitchen", text: "anyone?" });
  });

  test("browsers, which cannot send headers, pass the token in the query", async () => {
    client = new TestClient(createApp());
    const ws = await client.websocket("/rooms/lobby", { query: { token: "bob-token" } });
    expect(await ws.receiveJson()).toEqual({ type: "join", room: "lobby", user: "bob" });
  });

  test("no token or a wrong one is refused with 401 before the handshake", async () => {
    client = new TestClient(createApp());
    for (const connecting of [
      client.websocket("/rooms/lobby"),
      client.websocket("/rooms/lobby", auth("stolen")),
    ]) {
      const res = await refused(connecting);
      expect(res.status).toBe(401);
      expect(res.headers.get("www-authenticate")).toBe("Bearer");
      expect(res.json()).toEqual({ detail: "Not authenticated" });
    }
  });

  test("a bad room name is a 422; an invalid message gets the error list and the chat goes on", async () => {
    client = new TestClient(createApp());
    const res = await refused(client.websocket("/rooms/Not%20Valid", auth("ann-token")));
    expect(res.status).toBe(422);
    expect(res.json().detail[0]).toMatchObject({
      type: "string_pattern_mismatch",
      loc: ["path", "room"],
    });
    const ann = await enter("lobby", "ann-token");
    await ann.receiveJson();
    await ann.send({ text: "" });
    expect((await ann.receiveJson()).detail[0]).toMatchObject({
      type: "string_too_short",
      loc: ["message", "text"],
    });
    await ann.send({ text: "still here" });
    expect(await ann.receiveJson()).toMatchObject({ type: "message", text: "still here" });
  });

  test("HTTP posts reach the room", async () => {
    client = new TestClient(createApp());
    const ann = await enter("lobby", "ann-token");
    await ann.receiveJson();
    const res = await client.post("/rooms/lobby/messages", {
      json: { text: "from HTTP" },
      ...auth("bob-token"),
    });
    expect(res.status).toBe(202);
    expect(res.json()).toEqual({ sent: true });
    expect(await ann.receiveJson()).toEqual({
      type: "message",
      room: "lobby",
      user: "bob",
      text: "from HTTP",
    });
    expect((await client.post("/rooms/lobby/messages", { json: { text: "x" } })).status).toBe(401);
  });
});
