// An app using every documented feature at once, so the validators see all of them together:
// security schemes, uploads, every parameter location, recursive and split schemas, extra
// responses, multi-method routes, a catch-all path, a schema JSON Schema cannot express.
import { App, depends, Router, z } from "vial";

const Money = z
  .object({ amount: z.number(), currency: z.string().default("EUR") })
  .meta({ id: "Money" });
const Tree: z.ZodType<unknown> = z
  .object({
    label: z.string(),
    get children() {
      return z.array(Tree).optional();
    },
  })
  .meta({ id: "Tree" });
const Problem = z.object({ detail: z.string() }).meta({ id: "Problem" });

const bearer = depends(
  { headers: { authorization: z.string().optional() } },
  ({ headers }) => headers.authorization,
);
bearer.security = {
  name: "OAuth2PasswordBearer",
  scheme: {
    type: "oauth2",
    flows: {
      password: { tokenUrl: "token", scopes: { read: "Read things", write: "Change things" } },
    },
  },
  scopes: ["read"],
};
const apiKey = depends(() => "key");
apiKey.security = {
  name: "APIKeyQuery",
  scheme: { type: "apiKey", in: "query", name: "api_key" },
  scopes: [],
};

export function kitchenSink(): App<any> {
  const app = new App({
    title: "Kitchen sink",
    version: "1.0.0",
    summary: "Everything at once",
    contact: { email: "dev@example.org" },
    license: { name: "Apache 2.0", url: "https://www.apache.org/licenses/LICENSE-2.0.html" },
    servers: [{ url: "https://api.example.org", description: "Production" }],
    rootPath: "/sink",
    openapiTags: [{ name: "money", description: "Prices" }, { name: "files" }],
    logger: false,
  });
  const money = new Router({
    prefix: "/money",
    tags: ["money"],
    responses: { 404: { model: Problem } },
  });
  money.post(
    "/convert",
    { body: Money, response: Money, deps: { user: bearer } },
    function convert({ body }) {
      return body;
    },
  );
  money.get(
    "/{currency}/rates",
    {
      params: { currency: z.enum(["EUR", "USD"]) },
      query: {
        at: z.iso.date().optional().describe("A past day"),
        limit: z.int().min(1).max(50).default(10),
      },
      headers: { if_none_match: z.string().optional() },
      cookies: { prefs: z.string().optional() },
      deps: [apiKey],
      responses: { 304: { description: "Not modified" } },
    },
    function read_rates() {
      return [];
    },
  );
  app.include(money);
  app.post(
    "/files",
    {
      form: { caption: z.string().max(200) },
      files: { image: z.file(), attachments: z.array(z.file()).optional() },
      status: 201,
      tags: ["files"],
    },
    function upload() {
      return { ok: true };
    },
  );
  app.get("/files/{rest:path}", { tags: ["files"], deprecated: true }, function download_file() {
    return "";
  });
  app.route("/trees", { methods: ["PUT", "PATCH"], body: Tree, response: Tree }, function trees() {
    return { label: "root" };
  });
  app.post(
    "/checked",
    { body: z.object({ n: z.custom<number>((v) => typeof v === "number") }), status: 204 },
    function checked() {},
  );
  app.get("/hidden", { includeInSchema: false }, () => 1);
  return app;
}
