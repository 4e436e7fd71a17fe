import { readFileSync } from "node:fs";
import { describe, expect, test } from "vitest";

// Every TypeScript block in the README is a file under docs/snippets (type-checked with the
// project), marked by the comment before it; this suite checks the two match and runs each one.
const readme = readFileSync(new URL("../README.md", import.meta.url), "utf8");
const blocks = [...readme.matchAll(/(?:<!-- snippet: (\S+) -->\n)?```ts\n([\s\S]*?)```/g)].map(
  (m) => ({
    file: m[1],
    code: m[2] ?? "",
  }),
);

describe("README code blocks", () => {
  test("there are blocks, and each names its snippet file", () => {
    expect(blocks.length).toBeGreaterThan(3);
    for (const block of blocks)
      expect(
        block.file,
        `a \`\`\`ts block without a snippet marker:\n${block.code.slice(0, 80)}`,
      ).toBeDefined();
  });

  test.each(blocks.filter((b) => b.file))(
    "$file matches the README and runs",
    async ({ file, code }) => {
      const source = readFileSync(new URL(`../${file}`, import.meta.url), "utf8");
      expect(code, `README block differs from ${file}`).toBe(source);
      await import(`../${file}`);
    },
  );
});
