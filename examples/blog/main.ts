import { createApp } from "./app.js";

const app = createApp();
await app.listen(Number(process.env.PORT ?? 8000));
