import { test } from "vitest";

// The README section proposed for real-time features runs this file (docs/snippets/realtime.ts);
// until the README includes it, this test keeps it working.
test("docs/snippets/realtime.ts runs", async () => {
  await import("../../docs/snippets/realtime.js");
});
