import { createApp } from "./app.js";

// npx tsx --conditions=vial-src examples/background-job/main.ts, then POST /imports/
await createApp().listen({ port: Number(process.env.PORT ?? 8000), host: process.env.HOST });
