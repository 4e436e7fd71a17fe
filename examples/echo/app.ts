import { App, HTMLResponse } from "vial";

/**
 * The seed's FastAPI WebSocket example on Vial: every message comes back as
 * "Message received: ...". `GET /` serves a page that talks to it from the browser.
 */
export function createApp() {
  const app = new App({ title: "Echo" });

  app.ws("/ws", async (ws) => {
    for await (const data of ws) ws.send(`Message received: ${data}`);
  });

  app.get("/", { includeInSchema: false }, () => new HTMLResponse(PAGE));

  return app;
}

const PAGE = `<!doctype html>
<html>
  <head><meta charset="utf-8"><title>Echo</title></head>
  <body>
    <h1>WebSocket echo</h1>
    <form id="form"><input id="text" autocomplete="off" autofocus><button>Send</button></form>
    <ul id="messages"></ul>
    <script>
      const ws = new WebSocket(location.origin.replace(/^http/, "ws") + "/ws");
      const list = document.getElementById("messages");
      ws.onmessage = (event) => {
        const item = document.createElement("li");
        item.textContent = event.data;
        list.appendChild(item);
      };
      document.getElementById("form").onsubmit = (event) => {
        event.preventDefault();
        const input = document.getElementById("text");
        ws.send(input.value);
        input.value = "";
      };
    </script>
  </body>
</html>
`;
