/** The files every new project has, whatever its template. */

export interface ScaffoldContext {
  /** The project's (and its folder's) name. */
  name: string;
  /** The `vial` dependency in package.json: a version range, or `file:...` for a local checkout. */
  vial: string;
  /** tsx's version range, the same as the one Vial itself runs. */
  tsx: string;
}

/** Relative path -> content. */
export type FileMap = Record<string, string>;

export function commonFiles(ctx: ScaffoldContext, summary: string): FileMap {
  return {
    "package.json": packageJson(ctx),
    "tsconfig.json": `${JSON.stringify(TSCONFIG, null, 2)}\n`,
    ".gitignore": "node_modules/\ndist/\n.env\n",
    ".env.example": `# Copy to .env and change; variables in the environment win over this file.\nAPP_NAME=${ctx.name}\n`,
    "README.md": readme(ctx, summary),
  };
}

const TSCONFIG = {
  compilerOptions: {
    target: "ES2022",
    lib: ["ES2023"],
    module: "NodeNext",
    moduleResolution: "NodeNext",
    types: ["node"],
    strict: true,
    verbatimModuleSyntax: true,
    isolatedModules: true,
    skipLibCheck: true,
    noEmit: true,
  },
  include: ["src", "test"],
};

function packageJson(ctx: ScaffoldContext): string {
  const pkg = {
    name: ctx.name,
    version: "0.1.0",
    private: true,
    type: "module",
    scripts: {
      dev: "vial dev",
      start: "vial run",
      routes: "vial routes",
      test: "node --import tsx --test test/*.test.ts",
      typecheck: "tsc --noEmit",
    },
    dependencies: { vial: ctx.vial },
    devDependencies: { "@types/node": "^20.19.0", tsx: ctx.tsx, typescript: "^5.9.3" },
    engines: { node: ">=20.19" },
    // npm 11 asks before running install scripts; esbuild's (used by tsx) only checks its binary.
    allowScripts: { esbuild: true },
  };
  return `${JSON.stringify(pkg, null, 2)}\n`;
}

function readme(ctx: ScaffoldContext, summary: string): string {
  return `# ${ctx.name}

${summary} Built with [Vial](https://www.npmjs.com/package/vial).

\`\`\`sh
npm install
npm run dev        # serves src/app.ts on http://127.0.0.1:8000 and reloads on change
npm test           # the tests in test/, with node:test
npm run typecheck  # tsc
npm start          # production: vial run (add --workers auto for one process per CPU)
npx vial routes    # the route table
\`\`\`

With \`npm run dev\` running, the API documentation is at http://127.0.0.1:8000/docs and
http://127.0.0.1:8000/redoc.

## Layout

- \`src/app.ts\`: the app; \`vial dev\` and \`vial run\` find it and serve its \`app\` export.
- \`src/settings.ts\`: settings from environment variables and \`.env\` (see \`.env.example\`),
  typed and validated at startup.
- \`test/\`: tests calling the app in-process with \`TestClient\`.
`;
}
