// The public API of `vial/testing`.

export {
  type RequestOptions,
  TestClient,
  type TestClientOptions,
  type UploadSpec,
} from "./client.js";
export { CookieJar } from "./cookie-jar.js";
export { TestResponse } from "./response.js";
export {
  TestWebSocket,
  type WebSocketConnectOptions,
  WebSocketRejected,
} from "./websocket.js";
