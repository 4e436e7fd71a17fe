import { randomBytes } from "node:crypto";
import { join } from "node:path";
import { HTMLResponse, HTTPException, RedirectResponse, Router, type UploadFile, z } from "vial";
import type { loginRequiredOf } from "./auth.js";
import type { BlogDb, Post, User } from "./db.js";

const PostForm = { title: z.string().trim().default(""), body: z.string().default("") };
const IMAGE_TYPES: Record<string, string> = {
  "image/png": "png",
  "image/jpeg": "jpg",
  "image/gif": "gif",
  "image/webp": "webp",
};
const postId = { id: z.int() };

/** Create, list, edit and delete posts: Flaskr's `blog` blueprint, with an image per post. */
export function blogRouter(
  db: BlogDb,
  currentUser: Parameters<typeof loginRequiredOf>[0],
  loginRequired: ReturnType<typeof loginRequiredOf>,
  uploadsDir: string,
) {
  const blog = new Router({ name: "blog", deps: [currentUser], responseClass: HTMLResponse });

  /** The post, if it exists and `user` wrote it (Flaskr's `get_post`). */
  function ownPost(id: number, user: User): Post {
    const post = db.post(id);
    if (!post) throw new HTTPException(404, `Post id ${id} doesn't exist.`);
    if (post.author_id !== user.id) throw new HTTPException(403, "This is not your post.");
    return post;
  }

  /** Saves an uploaded image under a random name; `undefined` when it is not an image. */
  async function saveImage(image: UploadFile): Promise<string | undefined> {
    const ext = IMAGE_TYPES[image.type];
    if (!ext) return undefined;
    const name = `${randomBytes(12).toString("hex")}.${ext}`;
    await image.saveTo(join(uploadsDir, name));
    return name;
  }

  blog.get("/", function index({ render }) {
    return render("blog/index.html", { posts: db.posts() });
  });

  blog.get("/create", { deps: { user: loginRequired } }, function create({ render }) {
    return render("blog/create.html");
  });

  blog.post(
    "/create",
    {
      form: PostForm,
      files: { image: z.file().optional() },
      deps: { user: loginRequired },
    },
    async function createSubmit({ form, files, user, session, render }) {
      if (!form.title) {
        session.flash("Title is required.", "error");
        return render("blog/create.html", {}, { status: 400 });
      }
      const image = files.image ? await saveImage(files.image) : null;
      if (image === undefined) {
        session.flash("The image must be a PNG, JPEG, GIF or WebP file.", "error");
        return render("blog/create.html", {}, { status: 400 });
      }
      db.addPost(user.id, form.title, form.body, image);
      session.flash(`Posted “${form.title}”.`);
      return new RedirectResponse({ route: "blog.index" }, { status: 303 });
    },
  );

  blog.get(
    "/{id}/update",
    { params: postId, deps: { user: loginRequired } },
    function update({ params, user, render }) {
      return render("blog/update.html", { post: ownPost(params.id, user) });
    },
  );

  blog.post(
    "/{id}/update",
    { params: postId, form: PostForm, deps: { user: loginRequired } },
    function updateSubmit({ params, form, user, session, render }) {
      const post = ownPost(params.id, user);
      if (!form.title) {
        session.flash("Title is required.", "error");
        return render("blog/update.html", { post }, { status: 400 });
      }
      db.updatePost(post.id, form.title, form.body);
      return new RedirectResponse({ route: "blog.index" }, { status: 303 });
    },
  );

  blog.post(
    "/{id}/delete",
    { params: postId, deps: { user: loginRequired }, name: "delete" },
    function remove({ params, user, session }) {
      const post = ownPost(params.id, user);
      db.deletePost(post.id);
      session.flash(`Deleted “${post.title}”.`);
      return new RedirectResponse({ route: "blog.index" }, { status: 303 });
    },
  );

  return blog;
}
