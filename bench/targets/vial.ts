// The four workloads on Vial, written as a user would write them.
import { pathToFileURL } from "node:url";
import { App, z } from "vial";

export const app = new App({ title: "bench" });

app.get("/json", () => ({ message: "Hello, World!" }));

app.get(
  "/users/{id}",
  { params: { id: z.int() }, query: { verbose: z.boolean().default(false) } },
  ({ params, query }) => ({ id: params.id, verbose: query.verbose }),
);

const User = z.object({ username: z.string().min(3), email: z.email(), age: z.int().min(0) });
app.post("/users/", { body: User, status: 201 }, ({ body }) => body);

// Served when run; bench/harness/own.ts imports the app to drive it without a socket.
if (import.meta.url === pathToFileURL(process.argv[1] ?? "").href) {
  await app.listen({ port: Number(process.env.PORT ?? 3000), host: "127.0.0.1" });
}
