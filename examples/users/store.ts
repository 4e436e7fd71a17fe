import Database from "better-sqlite3";

export interface User {
  id: number;
  username: string;
  email: string;
  age: number;
}

export type NewUser = Omit<User, "id">;

/** The users table, on SQLite. */
export class UserStore {
  readonly #db: Database.Database;

  constructor(filename: string) {
    this.#db = new Database(filename);
    this.#db.pragma("journal_mode = WAL");
    this.#db.exec(`CREATE TABLE IF NOT EXISTS users (
      id INTEGER PRIMARY KEY AUTOINCREMENT,
      username TEXT NOT NULL UNIQUE,
      email TEXT NOT NULL,
      age INTEGER NOT NULL
    )`);
  }

  list(skip: number, limit: number): User[] {
    return this.#db
      .prepare("SELECT * FROM users ORDER BY id LIMIT ? OFFSET ?")
      .all(limit, skip) as User[];
  }

  get(id: number): User | undefined {
    return this.#db.prepare("SELECT * FROM users WHERE id = ?").get(id) as User | undefined;
  }

  /** Adds a user; `undefined` when the username is taken. */
  create(user: NewUser): User | undefined {
    try {
      const result = this.#db
        .prepare("INSERT INTO users (username, email, age) VALUES (@username, @email, @age)")
        .run(user);
      return { id: Number(result.lastInsertRowid), ...user };
    } catch (error) {
      if (isUniqueViolation(error)) return undefined;
      throw error;
    }
  }

  /** Changes the given fields; `undefined` when the user does not exist, `"taken"` on a clash. */
  update(id: number, changes: Partial<NewUser>): User | undefined | "taken" {
    const current = this.get(id);
    if (!current) return undefined;
    const next = { ...current, ...changes };
    try {
      this.#db
        .prepare("UPDATE users SET username = @username, email = @email, age = @age WHERE id = @id")
        .run(next);
    } catch (error) {
      if (isUniqueViolation(error)) return "taken";
      throw error;
    }
    return next;
  }

  delete(id: number): boolean {
    return this.#db.prepare("DELETE FROM users WHERE id = ?").run(id).changes > 0;
  }

  close(): void {
    this.#db.close();
  }
}

function isUniqueViolation(error: unknown): boolean {
  return (error as { code?: string }).code === "SQLITE_CONSTRAINT_UNIQUE";
}
