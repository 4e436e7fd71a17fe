import Database from "better-sqlite3";

export interface User {
  id: number;
  username: string;
  password: string;
}

export interface Post {
  id: number;
  title: string;
  body: string;
  image: string | null;
  created: string;
  author_id: number;
  username: string;
}

const SCHEMA = `
CREATE TABLE IF NOT EXISTS user (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  username TEXT UNIQUE NOT NULL,
  password TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS post (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  author_id INTEGER NOT NULL REFERENCES user (id),
  created TIMESTAMP NOT NULL DEFAULT CURRENT_TIMESTAMP,
  title TEXT NOT NULL,
  body TEXT NOT NULL,
  image TEXT
);`;

/** The blog's data in SQLite: users and their posts. */
export class BlogDb {
  readonly #db: Database.Database;

  constructor(file: string) {
    this.#db = new Database(file);
    this.#db.pragma("journal_mode = WAL");
    this.#db.pragma("foreign_keys = ON");
    this.#db.exec(SCHEMA);
  }

  userById(id: number): User | undefined {
    return this.#db.prepare("SELECT * FROM user WHERE id = ?").get(id) as User | undefined;
  }

  userByName(username: string): User | undefined {
    return this.#db.prepare("SELECT * FROM user WHERE username = ?").get(username) as
      | User
      | undefined;
  }

  /** Adds a user; `false` when the name is taken. */
  addUser(username: string, password: string): boolean {
    const result = this.#db
      .prepare("INSERT INTO user (username, password) VALUES (?, ?) ON CONFLICT DO NOTHING")
      .run(username, password);
    return result.changes === 1;
  }

  posts(): Post[] {
    return this.#db
      .prepare(
        "SELECT p.id, title, body, image, created, author_id, username" +
          " FROM post p JOIN user u ON p.author_id = u.id ORDER BY created DESC, p.id DESC",
      )
      .all() as Post[];
  }

  post(id: number): Post | undefined {
    return this.#db
      .prepare(
        "SELECT p.id, title, body, image, created, author_id, username" +
          " FROM post p JOIN user u ON p.author_id = u.id WHERE p.id = ?",
      )
      .get(id) as Post | undefined;
  }

  addPost(authorId: number, title: string, body: string, image: string | null): number {
    const result = this.#db
      .prepare("INSERT INTO post (title, body, image, author_id) VALUES (?, ?, ?, ?)")
      .run(title, body, image, authorId);
    return Number(result.lastInsertRowid);
  }

  updatePost(id: number, title: string, body: string): void {
    this.#db.prepare("UPDATE post SET title = ?, body = ? WHERE id = ?").run(title, body, id);
  }

  deletePost(id: number): void {
    this.#db.prepare("DELETE FROM post WHERE id = ?").run(id);
  }

  close(): void {
    this.#db.close();
  }
}
