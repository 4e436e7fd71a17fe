import { createApp } from "./app.js";

// npx tsx --conditions=vial-src examples/echo/main.ts, then open http://127.0.0.1:8000
await createApp().listen({ port: Number(process.env.PORT ?? 8000), host: process.env.HOST });
