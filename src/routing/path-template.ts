/**
 * Path templates in OpenAPI / FastAPI syntax: `/items/{item_id}`, and the catch-all
 * `{file_path:path}` that matches the rest of the path including slashes.
 */

/** One segment of a parsed template. */
export type Segment =
  | { kind: "static"; text: string }
  | { kind: "param"; name: string }
  | { kind: "rest"; name: string };

/** A parsed path template. */
export interface PathTemplate {
  /** As declared: `/items/{item_id}`. */
  readonly template: string;
  readonly segments: readonly Segment[];
  /** Path parameter names in order of appearance. */
  readonly paramNames: readonly string[];
  /** The same route in find-my-way's syntax: `/items/:item_id`, `/files/*`. */
  readonly routerPath: string;
  /** Name of the catch-all parameter, which find-my-way reports under `*`. */
  readonly restName: string | undefined;
  /** Matches a decoded path; groups are the params in order. Used only to settle overlaps. */
  readonly matcher: RegExp;
}

const PARAM = /^\{([A-Za-z_][A-Za-z0-9_]*)(?::(path|str|int|float|uuid))?\}$/;

/**
 * Parses a template, rejecting malformed ones at registration time rather than at request time.
 *
 * @example
 * parsePathTemplate("/files/{file_path:path}").routerPath // "/files/*"
 */
export function parsePathTemplate(template: string): PathTemplate {
  if (!template.startsWith("/")) throw new Error(`Route path must start with "/": ${JSON.stringify(template)}`);
  const segments: Segment[] = [];
  const paramNames: string[] = [];
  let restName: string | undefined;
  const parts = template.split("/").slice(1);
  parts.forEach((part, index) => {
    if (!part.includes("{") && !part.includes("}")) {
      segments.push({ kind: "static", text: part });
      return;
    }
    const match = PARAM.exec(part);
    if (!match) {
      throw new Error(`Path segment ${JSON.stringify(part)} of ${template} must be a whole "{name}" or "{name:path}"`);
    }
    const name = match[1]!;
    if (paramNames.includes(name)) throw new Error(`Path parameter "${name}" appears twice in ${template}`);
    paramNames.push(name);
    if (match[2] === "path") {
      if (index !== parts.length - 1) throw new Error(`The catch-all {${name}:path} must be the last segment of ${template}`);
      restName = name;
      segments.push({ kind: "rest", name });
    } else {
      segments.push({ kind: "param", name });
    }
  });
  const routerPath =
    "/" +
    segments
      .map((s) => (s.kind === "static" ? escapeForRouter(s.text) : s.kind === "param" ? `:${s.name}` : "*"))
      .join("/");
  const matcher = new RegExp(
    "^/" +
      segments
        .map((s) => (s.kind === "static" ? escapeRegExp(s.text) : s.kind === "param" ? "([^/]+)" : "(.*)"))
        .join("/") +
      "$",
  );
  return { template, segments, paramNames, routerPath, restName, matcher };
}

/**
 * Whether some request path could match both templates. Routes that overlap are settled in
 * declaration order, as Starlette does, instead of by find-my-way's static-first priority.
 */
export function templatesOverlap(a: PathTemplate, b: PathTemplate): boolean {
  const n = Math.max(a.segments.length, b.segments.length);
  for (let i = 0; i < n; i++) {
    const x = a.segments[i];
    const y = b.segments[i];
    if (x?.kind === "rest" || y?.kind === "rest") return true;
    if (!x || !y) return false;
    if (x.kind === "static" && y.kind === "static" && x.text !== y.text) return false;
    // A param never matches an empty segment, so it cannot stand in for "".
    if ((x.kind === "param" && y.kind === "static" && y.text === "") || (y.kind === "param" && x.kind === "static" && x.text === "")) {
      return false;
    }
  }
  return true;
}

function escapeForRouter(text: string): string {
  // find-my-way treats ":" and "*" as syntax; "::" is its escape for a literal colon.
  return text.replaceAll(":", "::");
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
}
