import Database from "better-sqlite3";

export type ImportStatus = "queued" | "running" | "done" | "failed";

export interface Import {
  id: number;
  status: ImportStatus;
  total: number;
  created: number;
  skipped: number;
  error: string | null;
}

/** The `imports` table, next to the users demo's `users` table in the same SQLite file. */
export class ImportStore {
  readonly #db: Database.Database;

  constructor(filename: string) {
    this.#db = new Database(filename);
    this.#db.pragma("journal_mode = WAL");
    this.#db.pragma("busy_timeout = 5000");
    this.#db.exec(`CREATE TABLE IF NOT EXISTS imports (
      id INTEGER PRIMARY KEY AUTOINCREMENT,
      status TEXT NOT NULL,
      total INTEGER NOT NULL,
      created INTEGER NOT NULL DEFAULT 0,
      skipped INTEGER NOT NULL DEFAULT 0,
      error TEXT
    )`);
  }

  create(total: number): Import {
    const result = this.#db
      .prepare("INSERT INTO imports (status, total) VALUES ('queued', ?)")
      .run(total);
    return this.get(Number(result.lastInsertRowid))!;
  }

  get(id: number): Import | undefined {
    return this.#db.prepare("SELECT * FROM imports WHERE id = ?").get(id) as Import | undefined;
  }

  update(id: number, changes: Partial<Omit<Import, "id" | "total">>): void {
    const current = this.get(id);
    if (!current) return;
    this.#db
      .prepare(
        "UPDATE imports SET status = @status, created = @created, skipped = @skipped, error = @error WHERE id = @id",
      )
      .run({ ...current, ...changes });
  }

  close(): void {
    this.#db.close();
  }
}
