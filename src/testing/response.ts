/** A response as the test client received it; `json()` and `text()` are synchronous. */
export class TestResponse {
  readonly status: number;
  readonly headers: Headers;
  /** The body's bytes. */
  readonly body: Buffer;
  /** The path (and query) this response answered. */
  readonly url: string;
  /** Redirect responses followed on the way here, oldest first. */
  readonly history: readonly TestResponse[];

  constructor(
    status: number,
    headers: [string, string][],
    body: Buffer,
    url: string,
    history: readonly TestResponse[],
  ) {
    this.status = status;
    this.headers = new Headers();
    for (const [name, value] of headers) this.headers.append(name, value);
    this.body = body;
    this.url = url;
    this.history = [...history];
  }

  /** `true` for 2xx statuses. */
  get ok(): boolean {
    return this.status >= 200 && this.status < 300;
  }

  text(): string {
    return this.body.toString("utf8");
  }

  /** The body parsed as JSON; throws with the body shown when it is not JSON. */
  json<T = any>(): T {
    const text = this.text();
    try {
      return JSON.parse(text) as T;
    } catch {
      throw new Error(`Response body is not JSON (status ${this.status}): ${text.slice(0, 200)}`);
    }
  }
}
