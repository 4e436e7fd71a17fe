import { mkdirSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { App, z } from "vial";
import { authRouter, currentUserOf, loginRequiredOf } from "./auth.js";
import { blogRouter } from "./blog.js";
import { BlogDb } from "./db.js";

const here = dirname(fileURLToPath(import.meta.url));

export interface BlogOptions {
  /** SQLite file, or ":memory:" (default `BLOG_DB` or `blog.db`). */
  database?: string;
  /** Where uploaded images go (default `BLOG_UPLOADS` or `./uploads`). */
  uploadsDir?: string;
  /** Signs the session cookie (default `SECRET_KEY`; "dev" outside production, as Flaskr). */
  secretKey?: string;
  debug?: boolean;
}

/** Flaskr, the Flask tutorial's blog, on Vial: the same routes, the same Jinja2 templates. */
export function createApp(options: BlogOptions = {}) {
  const uploadsDir = options.uploadsDir ?? process.env.BLOG_UPLOADS ?? "uploads";
  mkdirSync(uploadsDir, { recursive: true });
  const db = new BlogDb(options.database ?? process.env.BLOG_DB ?? "blog.db");
  const secretKey = options.secretKey ?? process.env.SECRET_KEY;
  if (!secretKey && process.env.NODE_ENV === "production") {
    throw new Error("Set SECRET_KEY: a long random string that signs the session cookie.");
  }

  const app = new App({
    title: "Flaskr",
    templates: join(here, "templates"),
    static: { "/static": join(here, "static"), "/uploads": uploadsDir },
    secretKey: secretKey ?? "dev",
    session: { schema: z.object({ userId: z.int().optional() }) },
    uploads: { fileSize: 5 * 1024 * 1024, files: 1 },
    debug: options.debug,
    lifespan: function* () {
      yield {};
      db.close();
    },
  });

  const currentUser = currentUserOf(db);
  const loginRequired = loginRequiredOf(currentUser);
  app.include(authRouter(db, currentUser));
  app.include(blogRouter(db, currentUser, loginRequired, uploadsDir));
  return app;
}
