import { App, depends, HTMLResponse, HTTPException, z } from "vial";

export interface User {
  name: string;
}

/** Demo tokens; a real app would check a JWT or a session here. */
export const DEMO_TOKENS: ReadonlyMap<string, User> = new Map([
  ["ann-token", { name: "ann" }],
  ["bob-token", { name: "bob" }],
]);

const ChatMessage = z.object({ text: z.string().trim().min(1).max(500) });
const roomName = { room: z.string().regex(/^[a-z0-9-]{1,32}$/) };

/**
 * A chat with rooms: connect to `/rooms/{room}` with a bearer token, send `{"text": "..."}`,
 * and everyone in the room (in any process, with a shared backplane) gets
 * `{"type": "message", "room", "user", "text"}`, plus `join` and `leave` notices.
 * `POST /rooms/{room}/messages` posts to a room over plain HTTP.
 */
export function createApp(tokens: ReadonlyMap<string, User> = DEMO_TOKENS) {
  const app = new App({ title: "Chat" });

  // Bearer auth as a dependency. Browsers cannot set headers on a WebSocket, so the token may
  // also come as `?token=`.
  const currentUser = depends(
    {
      headers: { authorization: z.string().optional() },
      query: { token: z.string().optional() },
    },
    ({ headers, query }) => {
      const bearer = headers.authorization?.match(/^Bearer (.+)$/i)?.[1];
      const user = tokens.get(bearer ?? query.token ?? "");
      if (!user) {
        throw new HTTPException(401, "Not authenticated", { "WWW-Authenticate": "Bearer" });
      }
      return user;
    },
  );

  app.ws(
    "/rooms/{room}",
    {
      params: roomName,
      deps: { user: currentUser },
      message: ChatMessage,
      invalidMessage: "reply",
    },
    async (ws, { params: { room }, user }) => {
      ws.join(room);
      await app.broadcast(room, { type: "join", room, user: user.name });
      try {
        for await (const { text } of ws.iterJson()) {
          await app.broadcast(room, { type: "message", room, user: user.name, text });
        }
      } finally {
        ws.leave(room);
        await app.broadcast(room, { type: "leave", room, user: user.name });
      }
    },
  );

  app.post(
    "/rooms/{room}/messages",
    { params: roomName, body: ChatMessage, deps: { user: currentUser }, status: 202 },
    async ({ params: { room }, body, user }) => {
      await app.broadcast(room, { type: "message", room, user: user.name, text: body.text });
      return { sent: true };
    },
  );

  app.get("/", { includeInSchema: false }, () => new HTMLResponse(PAGE));

  return app;
}

const PAGE = `<!doctype html>
<html>
  <head><meta charset="utf-8"><title>Chat</title></head>
  <body>
    <h1>Chat</h1>
    <form id="join">
      <input id="token" placeholder="token (ann-token)" value="ann-token">
      <input id="room" placeholder="room" value="lobby">
      <button>Join</button>
    </form>
    <form id="send"><input id="text" autocomplete="off"><button>Send</button></form>
    <ul id="log"></ul>
    <script>
      let ws;
      const log = (line) => {
        const item = document.createElement("li");
        item.textContent = line;
        document.getElementById("log").appendChild(item);
      };
      document.getElementById("join").onsubmit = (event) => {
        event.preventDefault();
        ws?.close();
        const room = document.getElementById("room").value;
        const token = encodeURIComponent(document.getElementById("token").value);
        ws = new WebSocket(location.origin.replace(/^http/, "ws") + "/rooms/" + room + "?token=" + token);
        ws.onmessage = (event) => {
          const m = JSON.parse(event.data);
          if (m.type === "message") log(m.user + ": " + m.text);
          else if (m.type) log(m.user + " " + (m.type === "join" ? "joined" : "left"));
          else log("error: " + JSON.stringify(m.detail));
        };
        ws.onclose = (event) => log("closed (" + event.code + ")");
      };
      document.getElementById("send").onsubmit = (event) => {
        event.preventDefault();
        const input = document.getElementById("text");
        ws?.send(JSON.stringify({ text: input.value }));
        input.value = "";
      };
    </script>
  </body>
</html>
`;
