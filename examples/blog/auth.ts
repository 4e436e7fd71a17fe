import { depends, HTMLResponse, HTTPException, RedirectResponse, Router, z } from "vial";
import type { BlogDb, User } from "./db.js";
import { checkPassword, hashPassword } from "./passwords.js";

const Credentials = { username: z.string().trim().default(""), password: z.string().default("") };

/**
 * The logged-in user, or `undefined` (Flaskr's `load_logged_in_user`). Templates see it as
 * `g.user`: `g` is the request's `state`, as in Flask.
 */
export function currentUserOf(db: BlogDb) {
  return depends(({ session, state }) => {
    const id = session.userId;
    const user = typeof id === "number" ? db.userById(id) : undefined;
    state.user = user;
    return user;
  });
}

/** The logged-in user; visitors are sent to the login page (Flaskr's `login_required`). */
export function loginRequiredOf(currentUser: ReturnType<typeof currentUserOf>) {
  return depends({ user: currentUser }, ({ user, urlFor }): User => {
    if (!user) throw new HTTPException(303, "Log in first", { location: urlFor("auth.login") });
    return user;
  });
}

/** Register, log in, log out: Flaskr's `auth` blueprint. */
export function authRouter(db: BlogDb, currentUser: ReturnType<typeof currentUserOf>) {
  const auth = new Router({
    prefix: "/auth",
    name: "auth",
    deps: [currentUser],
    responseClass: HTMLResponse,
  });

  auth.get("/register", function register({ render }) {
    return render("auth/register.html");
  });

  auth.post(
    "/register",
    { form: Credentials },
    async function registerSubmit({ form, session, render, urlFor }) {
      const error = !form.username
        ? "Username is required."
        : !form.password
          ? "Password is required."
          : undefined;
      if (!error) {
        if (db.addUser(form.username, await hashPassword(form.password))) {
          return new RedirectResponse(urlFor("auth.login"), { status: 303 });
        }
        session.flash(`User ${form.username} is already registered.`, "error");
      } else {
        session.flash(error, "error");
      }
      return render("auth/register.html", {}, { status: 400 });
    },
  );

  auth.get("/login", function login({ render }) {
    return render("auth/login.html");
  });

  auth.post("/login", { form: Credentials }, async function loginSubmit({ form, session, render }) {
    const user = db.userByName(form.username);
    if (!user || !(await checkPassword(user.password, form.password))) {
      session.flash("Incorrect username or password.", "error");
      return render("auth/login.html", {}, { status: 400 });
    }
    // A new session on log-in: nothing from before (a planted CSRF token) survives.
    session.clear();
    session.userId = user.id;
    return new RedirectResponse({ route: "blog.index" }, { status: 303 });
  });

  auth.post("/logout", function logout({ session }) {
    session.clear();
    return new RedirectResponse({ route: "blog.index" }, { status: 303 });
  });

  return auth;
}
