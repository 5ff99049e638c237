import type { Handler, RouteOptions } from "./route-options.js";

/** The HTTP method verbs shared by `App` and `Router`. */
export abstract class RouteRegistrar {
  /** Registers a route; the verbs below are shorthands. */
  abstract route(method: string, path: string, options: RouteOptions, handler: Handler<any, any>): this;

  /**
   * `GET` route (also answers `HEAD`).
   *
   * @example
   * app.get("/items/{item_id}", { path: { item_id: z.number().int() } }, ({ path }) => ({ id: path.item_id }));
   */
  get<const P extends string, O extends RouteOptions>(path: P, options: O, handler: Handler<P, O>): this;
  get<const P extends string>(path: P, handler: Handler<P, {}>): this;
  get(path: string, a: RouteOptions | Handler<any, any>, b?: Handler<any, any>): this {
    return this.#add("GET", path, a, b);
  }

  /** `POST` route. @example app.post("/items", { body: Item, status: 201 }, ({ body }) => body); */
  post<const P extends string, O extends RouteOptions>(path: P, options: O, handler: Handler<P, O>): this;
  post<const P extends string>(path: P, handler: Handler<P, {}>): this;
  post(path: string, a: RouteOptions | Handler<any, any>, b?: Handler<any, any>): this {
    return this.#add("POST", path, a, b);
  }

  /** `PUT` route. @example app.put("/items/{id}", { body: Item }, ({ path, body }) => save(path.id, body)); */
  put<const P extends string, O extends RouteOptions>(path: P, options: O, handler: Handler<P, O>): this;
  put<const P extends string>(path: P, handler: Handler<P, {}>): this;
  put(path: string, a: RouteOptions | Handler<any, any>, b?: Handler<any, any>): this {
    return this.#add("PUT", path, a, b);
  }

  /** `PATCH` route. @example app.patch("/items/{id}", { body: Patch }, ({ body }) => body); */
  patch<const P extends string, O extends RouteOptions>(path: P, options: O, handler: Handler<P, O>): this;
  patch<const P extends string>(path: P, handler: Handler<P, {}>): this;
  patch(path: string, a: RouteOptions | Handler<any, any>, b?: Handler<any, any>): this {
    return this.#add("PATCH", path, a, b);
  }

  /** `DELETE` route. @example app.delete("/items/{id}", { status: 204 }, () => null); */
  delete<const P extends string, O extends RouteOptions>(path: P, options: O, handler: Handler<P, O>): this;
  delete<const P extends string>(path: P, handler: Handler<P, {}>): this;
  delete(path: string, a: RouteOptions | Handler<any, any>, b?: Handler<any, any>): this {
    return this.#add("DELETE", path, a, b);
  }

  /** `HEAD` route (GET routes answer HEAD already). */
  head<const P extends string, O extends RouteOptions>(path: P, options: O, handler: Handler<P, O>): this;
  head<const P extends string>(path: P, handler: Handler<P, {}>): this;
  head(path: string, a: RouteOptions | Handler<any, any>, b?: Handler<any, any>): this {
    return this.#add("HEAD", path, a, b);
  }

  /** `OPTIONS` route. */
  options<const P extends string, O extends RouteOptions>(path: P, options: O, handler: Handler<P, O>): this;
  options<const P extends string>(path: P, handler: Handler<P, {}>): this;
  options(path: string, a: RouteOptions | Handler<any, any>, b?: Handler<any, any>): this {
    return this.#add("OPTIONS", path, a, b);
  }

  #add(method: string, path: string, a: RouteOptions | Handler<any, any>, b?: Handler<any, any>): this {
    if (typeof a === "function") return this.route(method, path, {}, a);
    if (typeof b !== "function") throw new TypeError(`${method} ${path}: the last argument must be the handler function`);
    return this.route(method, path, a, b);
  }
}
