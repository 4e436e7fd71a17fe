// Type-check budget: `tsc --noEmit --extendedDiagnostics` over generated Vial apps (0, 200 and
// 1,000 routes by default), against Vial's published declarations (dist/*.d.ts), strict mode.
// Reports time and instantiation counts; the 0-route app is the fixed cost of importing Vial.
//
// Settings: TYPECHECK_ROUTES=0,200,1000 TYPECHECK_RUNS=3
import { execFileSync } from "node:child_process";
import { mkdirSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { vialApp } from "./generate.js";
import { median } from "./report.js";

const benchDir = join(dirname(fileURLToPath(import.meta.url)), "..", "..");
const sizes = (process.env.TYPECHECK_ROUTES ?? "0,200,1000").split(",").map(Number);
const runs = Number(process.env.TYPECHECK_RUNS ?? 3);
const tsc = join(benchDir, "node_modules", ".bin", "tsc");
const tscVersion = execFileSync(tsc, ["--version"], { encoding: "utf8" }).trim();

const tsconfig = {
  compilerOptions: {
    target: "ES2022",
    module: "NodeNext",
    moduleResolution: "NodeNext",
    strict: true,
    noUncheckedIndexedAccess: true,
    skipLibCheck: true,
    types: ["node"],
    noEmit: true,
  },
  files: ["app.ts"],
};

interface Diagnostics {
  totalSeconds: number;
  checkSeconds: number;
  instantiations: number;
  types: number;
  memoryK: number;
}

function measure(dir: string): Diagnostics {
  let output: string;
  try {
    output = execFileSync(tsc, ["-p", dir, "--extendedDiagnostics"], { encoding: "utf8" });
  } catch (error) {
    const out = (error as { stdout?: string }).stdout ?? "";
    throw new Error(`the generated app in ${dir} does not type-check:\n${out.slice(0, 3000)}`);
  }
  const value = (label: string) =>
    Number(new RegExp(`^${label}:\\s+([\\d.]+)`, "m").exec(output)?.[1] ?? Number.NaN);
  return {
    totalSeconds: value("Total time"),
    checkSeconds: value("Check time"),
    instantiations: value("Instantiations"),
    types: value("Types"),
    memoryK: value("Memory used"),
  };
}

const rows: string[] = [];
let base: Diagnostics | undefined;
for (const size of sizes) {
  const dir = join(benchDir, "generated", `typecheck-${size}`);
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, "app.ts"), vialApp(size));
  writeFileSync(join(dir, "tsconfig.json"), JSON.stringify(tsconfig, null, 2));
  const all = Array.from({ length: runs }, () => measure(dir));
  const d = { ...all[0]!, totalSeconds: median(all.map((r) => r.totalSeconds)) };
  d.checkSeconds = median(all.map((r) => r.checkSeconds));
  if (size === 0) base = d;
  const perRoute =
    base && size > 0 ? ((d.instantiations - base.instantiations) / size).toFixed(0) : "–";
  rows.push(
    `| ${size} | **${d.totalSeconds.toFixed(2)}** | ${d.checkSeconds.toFixed(2)} | ${d.instantiations} | ${perRoute} | ${d.types} | ${(d.memoryK / 1024).toFixed(0)} |`,
  );
  console.log(rows.at(-1));
}

const report = [
  `Type-check budget: ${tscVersion}, \`tsc --noEmit --extendedDiagnostics\`, strict, against dist/*.d.ts; median of ${runs} runs`,
  "",
  "| routes | total s | check s | instantiations | per route (over 0 routes) | types | memory MiB |",
  "| --- | --- | --- | --- | --- | --- | --- |",
  ...rows,
].join("\n");
console.log(`\n${report}`);
mkdirSync(join(benchDir, "results"), { recursive: true });
writeFileSync(join(benchDir, "results", "typecheck.md"), `${report}\n`);
