import Database from "better-sqlite3";

/** Someone who can log in to the API (the demo keeps them apart from the users it manages). */
export interface Account {
  username: string;
  fullName: string;
  /** `hashPassword()` output: never the password itself. */
  passwordHash: string;
  /** OAuth2 scopes this account may be granted. */
  scopes: string[];
  disabled: boolean;
}

/**
 * Demo accounts. The passwords ("wonderland", "builder") are only in the docs; here are their
 * scrypt hashes, made with hashPassword().
 */
const SEED: Account[] = [
  {
    username: "alice",
    fullName: "Alice Liddell",
    passwordHash:
      "$scrypt$ln=15,r=8,p=3$ihKdQGJZ31IUKuyoiTTuhQ$1uEUX11vcpkdj4O349ZZsIJf8RPMDJ7Kx7GGewpDbl4",
    scopes: ["me", "reports"],
    disabled: false,
  },
  {
    username: "bob",
    fullName: "Bob Builder",
    passwordHash:
      "$scrypt$ln=15,r=8,p=3$tNFCkhvk/nPMIgROq3X1jA$igMCPRZxxAKieKuodVUQMqujdrEKiId/FV120QKm074",
    scopes: ["me"],
    disabled: false,
  },
];

interface Row {
  username: string;
  full_name: string;
  password_hash: string;
  scopes: string;
  disabled: number;
}

/** The accounts table, on SQLite; seeded with the demo accounts when empty. */
export class AccountStore {
  readonly #db: Database.Database;

  constructor(filename: string) {
    this.#db = new Database(filename);
    this.#db.exec(`CREATE TABLE IF NOT EXISTS accounts (
      username TEXT PRIMARY KEY,
      full_name TEXT NOT NULL,
      password_hash TEXT NOT NULL,
      scopes TEXT NOT NULL,
      disabled INTEGER NOT NULL DEFAULT 0
    )`);
    const { n } = this.#db.prepare("SELECT count(*) AS n FROM accounts").get() as { n: number };
    if (n === 0) for (const account of SEED) this.add(account);
  }

  get(username: string): Account | undefined {
    const row = this.#db.prepare("SELECT * FROM accounts WHERE username = ?").get(username);
    return row ? toAccount(row as Row) : undefined;
  }

  list(): Account[] {
    return (this.#db.prepare("SELECT * FROM accounts ORDER BY username").all() as Row[]).map(
      toAccount,
    );
  }

  add(account: Account): void {
    this.#db
      .prepare(
        "INSERT INTO accounts (username, full_name, password_hash, scopes, disabled) VALUES (?, ?, ?, ?, ?)",
      )
      .run(
        account.username,
        account.fullName,
        account.passwordHash,
        account.scopes.join(" "),
        account.disabled ? 1 : 0,
      );
  }

  setPasswordHash(username: string, passwordHash: string): void {
    this.#db
      .prepare("UPDATE accounts SET password_hash = ? WHERE username = ?")
      .run(passwordHash, username);
  }

  close(): void {
    this.#db.close();
  }
}

function toAccount(row: Row): Account {
  return {
    username: row.username,
    fullName: row.full_name,
    passwordHash: row.password_hash,
    scopes: row.scopes.split(" ").filter(Boolean),
    disabled: row.disabled === 1,
  };
}
