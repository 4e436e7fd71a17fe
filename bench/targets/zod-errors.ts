// Shared by the Hono and Express targets: the user schema, and zod issues in FastAPI's 422 shape,
// so every target answers the same body.
import { z } from "zod";

export const User = z.object({
  username: z.string().min(3),
  email: z.email(),
  age: z.int().min(0),
});

/** Path parameters and query of `GET /users/{id}`: strings in, coerced by the schema. */
export const UserParams = z.object({ id: z.coerce.number().int() });
export const UserQuery = z.object({ verbose: z.stringbool().default(false) });

/** `{"detail": [...]}` for a failed `safeParse`, `source` being body, path or query. */
export function detail(source: string, error: z.core.$ZodError) {
  return {
    detail: error.issues.map((issue) => ({
      type: issue.code,
      loc: [source, ...issue.path.map(String)],
      msg: issue.message,
    })),
  };
}
