import { app } from "./app.js";

// Starts the demo: `npm run demo`, then open http://127.0.0.1:8000/docs
await app.listen({ port: Number(process.env.PORT ?? 8000), host: process.env.HOST ?? "127.0.0.1" });
