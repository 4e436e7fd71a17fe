import type { App } from "../app.js";
import type { DepsSpec } from "../di/analyse.js";
import type { Dependency } from "../di/dependency.js";
import { display } from "./errors.js";
import { functionLocations } from "./locate.js";

/** One line of `vial routes`. */
export interface RouteRow {
  methods: string[];
  path: string;
  name: string | null;
  /** `src/app.ts:12:3` where the handler is defined, `null` when it cannot be told. */
  handler: string | null;
  /** The route's dependencies, `key=dependency` for those whose value the handler receives. */
  deps: string[];
}

/**
 * The route table of an app, in registration order (HTTP routes, then WebSocket routes), with
 * where each handler is defined and which dependencies each route runs (its own, its routers'
 * and its includes').
 *
 * @example
 * const rows = await routeTable(app);
 * rows[0]; // { methods: ["GET"], path: "/users/{id}", name: "getUser", handler: "src/app.ts:20:3", deps: ["user=currentUser"] }
 */
export async function routeTable(app: App<any>): Promise<RouteRow[]> {
  // Compiling checks the routes (dependency cycles, bodies), as starting the app would.
  void app.routes;
  // WebSocket routes follow the HTTP ones, as method WEBSOCKET, located by the user's handler.
  const records = [
    ...app.records.map((record) => ({ record, handler: record.handler })),
    ...app.webSockets.map((record) => ({ record, handler: record.socketHandler })),
  ];
  const places = await functionLocations(records.map((r) => r.handler));
  return records.map(({ record, handler }) => {
    const place = places.get(handler);
    return {
      methods: [...record.methods],
      path: record.path,
      name: record.name ?? null,
      handler: place ? display(place) : null,
      deps: record.deps.flatMap(describeDeps),
    };
  });
}

function describeDeps(spec: DepsSpec): string[] {
  if (Array.isArray(spec)) return (spec as Dependency[]).map((dep) => dep.name);
  return Object.entries(spec as Record<string, Dependency>).map(
    ([key, dep]) => `${key}=${dep.name}`,
  );
}

/** The table as aligned text columns, for a terminal. */
export function formatRouteTable(rows: RouteRow[]): string {
  if (rows.length === 0) return "No routes.";
  const table = [
    ["METHOD", "PATH", "NAME", "HANDLER", "DEPS"],
    ...rows.map((r) => [
      r.methods.join("|"),
      r.path,
      r.name ?? "-",
      r.handler ?? "?",
      r.deps.join(", ") || "-",
    ]),
  ];
  const widths = table[0]!.map((_, i) => Math.max(...table.map((row) => row[i]!.length)));
  return table
    .map((row) =>
      row.map((cell, i) => (i < row.length - 1 ? cell.padEnd(widths[i]!) : cell)).join("  "),
    )
    .join("\n");
}
