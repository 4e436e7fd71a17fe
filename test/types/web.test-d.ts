import {
  App,
  type HTMLResponse,
  RedirectResponse,
  Router,
  type Session,
  type SessionMethods,
  type UploadFile,
  z,
} from "vial";
import { describe, expectTypeOf, test } from "vitest";

describe("server-rendered apps", () => {
  test("ctx.render returns an HTMLResponse; ctx.urlFor and app.urlFor return strings", () => {
    const app = new App({ templates: "templates" });
    app.get("/", ({ render, urlFor }) => {
      expectTypeOf(render("index.html", { a: 1 })).toEqualTypeOf<HTMLResponse>();
      expectTypeOf(urlFor("post", { id: 3 }, { page: 2 })).toEqualTypeOf<string>();
      return render("index.html");
    });
    expectTypeOf(app.urlFor("index")).toEqualTypeOf<string>();
  });

  test("a session schema types ctx.session; methods are there too", () => {
    const app = new App({
      secretKey: "k",
      session: {
        schema: z.object({ userId: z.int().optional(), theme: z.string().default("light") }),
      },
    });
    app.get("/", ({ session }) => {
      expectTypeOf(session.userId).toEqualTypeOf<number | undefined>();
      expectTypeOf(session.theme).toEqualTypeOf<string>();
      expectTypeOf(session.flash).toEqualTypeOf<SessionMethods["flash"]>();
      expectTypeOf(session.getFlashedMessages()).toEqualTypeOf<string[]>();
      expectTypeOf(session.getFlashedMessages({ withCategories: true })).toEqualTypeOf<
        [string, string][]
      >();
      // @ts-expect-error: the schema says userId is a number
      session.userId = "three";
      session.userId = 3;
      return "";
    });
  });

  test("without a schema the session holds unknown values by key", () => {
    const app = new App({ secretKey: "k" });
    app.get("/", ({ session }) => {
      expectTypeOf(session.anything).toEqualTypeOf<unknown>();
      session.clear();
      return "";
    });
    const router = new Router();
    router.get("/", ({ session }) => {
      expectTypeOf(session).toEqualTypeOf<Session>();
      return "";
    });
  });

  test("files are UploadFiles, lists of them, or optional", () => {
    const app = new App();
    app.post(
      "/",
      {
        form: { title: z.string() },
        files: { photo: z.file(), extra: z.array(z.file()), cover: z.file().optional() },
      },
      ({ files, form }) => {
        expectTypeOf(form.title).toEqualTypeOf<string>();
        expectTypeOf(files.photo).toEqualTypeOf<UploadFile>();
        expectTypeOf(files.extra).toEqualTypeOf<UploadFile[]>();
        expectTypeOf(files.cover).toEqualTypeOf<UploadFile | undefined>();
        expectTypeOf(files.photo.saveTo).parameter(0).toEqualTypeOf<string>();
        expectTypeOf(files.photo.filename).toEqualTypeOf<string>();
        return "";
      },
    );
  });

  test("RedirectResponse takes a URL or a route name", () => {
    expectTypeOf(new RedirectResponse("/")).toEqualTypeOf<RedirectResponse>();
    expectTypeOf(
      new RedirectResponse({ route: "post", params: { id: 1 } }),
    ).toEqualTypeOf<RedirectResponse>();
    // @ts-expect-error: a route target names the route
    new RedirectResponse({ params: { id: 1 } });
  });

  test("static, csrf, errorPages and uploads options are typed", () => {
    new App({
      static: { "/static": "static", "/media": { folder: "media", maxAge: 60 } },
      csrf: { field: "_token" },
      errorPages: { 404: "404.html" },
      uploads: { fileSize: 1024 },
    });
    // @ts-expect-error: maxAge is in seconds, a number
    new App({ static: { "/static": { folder: "static", maxAge: "1h" } } });
  });
});
