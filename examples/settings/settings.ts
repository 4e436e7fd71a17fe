import { fileURLToPath } from "node:url";
import { settings, z } from "vial";

/**
 * The service's settings, from STATUS_* environment variables and this folder's .env (copy
 * .env.example). A missing or invalid one stops the start with all of them listed.
 */
export const config = settings(
  z.object({
    name: z.string().default("Status API"),
    maintenance: z.boolean().default(false),
    allowedOrigins: z.array(z.url()).default([]),
    adminToken: z.string().min(16),
    accessLog: z.boolean().default(true),
  }),
  { prefix: "STATUS_", envFile: fileURLToPath(new URL(".env", import.meta.url)) },
);
