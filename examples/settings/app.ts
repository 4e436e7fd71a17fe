import { App, HTTPException, z } from "vial";
import { config } from "./settings.js";

// Serve it with `npx vial dev examples/settings/app.ts` (STATUS_ADMIN_TOKEN set, or a .env).
export const app = new App({ title: config.name, accessLog: config.accessLog });

app.get("/", () => ({ name: config.name, maintenance: config.maintenance }));

// Printing the settings is safe: the admin token shows as **********.
app.get("/admin/settings", { headers: { x_admin_token: z.string() } }, ({ headers }) => {
  if (headers.x_admin_token !== config.adminToken)
    throw new HTTPException(403, "Wrong admin token");
  return config;
});
