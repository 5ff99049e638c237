import FindMyWay from "find-my-way";
import { templatesOverlap, type PathTemplate } from "./path-template.js";

/** What the table stores for each method + template; `T` is the framework's route object. */
interface Entry<T> {
  readonly route: T;
  readonly template: PathTemplate;
  readonly method: string;
  readonly order: number;
  /** Routes of the same method declared earlier whose templates overlap this one. */
  earlier: Entry<T>[];
}

/** The outcome of a lookup. */
export type Lookup<T> =
  | { kind: "found"; route: T; params: Record<string, string> }
  | { kind: "method-not-allowed"; allow: string[] }
  | { kind: "redirect"; path: string }
  | { kind: "not-found" };

/**
 * The route table: find-my-way's radix tree for speed, corrected to Starlette's rules —
 * overlapping routes match in declaration order, a `{param}` never matches an empty segment,
 * other methods on a matching path give 405 with `Allow`, and `/x` ↔ `/x/` redirect when only
 * the other one exists.
 */
export class RouteTable<T> {
  #router = FindMyWay({ ignoreTrailingSlash: false, ignoreDuplicateSlashes: false, maxParamLength: 2048, caseSensitive: true });
  #entries: Entry<T>[] = [];
  #methods = new Set<string>();

  /** Adds a route; a duplicate method + template is an error at registration time. */
  add(method: string, template: PathTemplate, route: T): void {
    const duplicate = this.#entries.find((e) => e.method === method && e.template.routerPath === template.routerPath);
    if (duplicate) throw new Error(`Route ${method} ${template.template} is already declared (as ${duplicate.template.template})`);
    const entry: Entry<T> = { route, template, method, order: this.#entries.length, earlier: [] };
    entry.earlier = this.#entries.filter((e) => e.method === method && templatesOverlap(e.template, template));
    // Later routes may be shadowed by this one only if it was declared first, which it was not.
    this.#entries.push(entry);
    this.#methods.add(method);
    this.#router.on(method as FindMyWay.HTTPMethod, template.routerPath, noop, entry);
  }

  /** Whether any route exists for this method and template. */
  has(method: string, routerPath: string): boolean {
    return this.#entries.some((e) => e.method === method && e.template.routerPath === routerPath);
  }

  /** Finds the route for a request path (no query string). */
  lookup(method: string, path: string): Lookup<T> {
    const found = this.#match(method, path);
    if (found) return found;
    const allow = this.#allowedMethods(path);
    if (allow.length > 0) return { kind: "method-not-allowed", allow };
    const alternative = path.endsWith("/") ? path.slice(0, -1) : path + "/";
    if (alternative.length > 0 && (this.#match(method, alternative) || this.#allowedMethods(alternative).length > 0)) {
      return { kind: "redirect", path: alternative };
    }
    return { kind: "not-found" };
  }

  #match(method: string, path: string): { kind: "found"; route: T; params: Record<string, string> } | undefined {
    let found: FindMyWay.FindResult<FindMyWay.HTTPVersion.V1> | null;
    try {
      found = this.#router.find(method as FindMyWay.HTTPMethod, path);
    } catch {
      return undefined;
    }
    if (!found) return this.#matchByDeclarationOrder(method, path);
    const entry = found.store as Entry<T>;
    if (entry.earlier.length > 0) {
      const earlier = this.#firstEarlierMatch(entry, path);
      if (earlier) return earlier;
    }
    const params = found.params as Record<string, string>;
    const template = entry.template;
    for (const name of template.paramNames) {
      if (name === template.restName) continue;
      if (params[name] === "") return this.#matchByDeclarationOrder(method, path);
    }
    if (template.restName !== undefined) {
      params[template.restName] = params["*"] ?? "";
      delete params["*"];
    }
    return { kind: "found", route: entry.route, params };
  }

  #firstEarlierMatch(entry: Entry<T>, path: string) {
    for (const candidate of entry.earlier) {
      const params = matchTemplate(candidate.template, path);
      if (params) return { kind: "found" as const, route: candidate.route, params };
    }
    return undefined;
  }

  /** Slow path for what the radix tree rejected (e.g. an empty `{param}`): scan in order. */
  #matchByDeclarationOrder(method: string, path: string) {
    for (const entry of this.#entries) {
      if (entry.method !== method) continue;
      const params = matchTemplate(entry.template, path);
      if (params) return { kind: "found" as const, route: entry.route, params };
    }
    return undefined;
  }

  #allowedMethods(path: string): string[] {
    const allow: string[] = [];
    for (const method of this.#methods) {
      if (this.#match(method, path)) allow.push(method);
    }
    return allow;
  }
}

function matchTemplate(template: PathTemplate, path: string): Record<string, string> | undefined {
  const match = template.matcher.exec(path);
  if (!match) return undefined;
  const params: Record<string, string> = Object.create(null);
  for (let i = 0; i < template.paramNames.length; i++) {
    const raw = match[i + 1] ?? "";
    try {
      params[template.paramNames[i]!] = decodeURIComponent(raw);
    } catch {
      return undefined;
    }
  }
  return params;
}

function noop(): void {}
