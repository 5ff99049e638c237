import { existsSync, realpathSync, statSync, type Stats } from "node:fs";
import { stat } from "node:fs/promises";
import { HTTPException } from "../errors/http-exception.js";
import type { Request } from "../request.js";
import { FileResponse } from "../responses/file-response.js";
import { prepareResponse } from "../responses/prepare.js";
import { RedirectResponse, type Response } from "../responses/response.js";
import { requestSegments, resolveInside } from "./safe-path.js";

/** Options of {@link staticFiles}. */
export interface StaticFilesOptions {
  /** The directory served. It must exist when the app is built. */
  directory: string;
  /**
   * HTML mode: a directory answers with its index file (`true` means `["index.html"]`), a
   * directory path without a trailing slash redirects to one, and a `404.html` at the top, if
   * present, is the body of 404s (Starlette's `html=True`).
   */
  html?: boolean | string[];
  /**
   * Single-page apps: a file (relative to `directory`, usually "index.html") sent with 200 for a
   * path that names no file, when the request accepts `text/html` — so browser navigations reach
   * the client-side router while a missing script or image still gets a 404.
   */
  spaFallback?: string;
  /** Files and directories whose name starts with "." are not served (default), except `.well-known`. */
  dotfiles?: "ignore" | "allow";
  /** A `Cache-Control` value for every file sent. */
  cacheControl?: string;
}

/** What a static-files mount answers, as a mount target. */
export type StaticFilesHandler = (req: Request) => Promise<Response>;

/**
 * Serves the files of a directory under a mount prefix, with everything {@link FileResponse} does
 * (ETag, 304, ranges, HEAD). Nothing outside the directory can be reached: `..` in any spelling,
 * NUL bytes, backslashes and symlinks pointing outside all answer 404.
 *
 * @example
 * app.mount("/static", staticFiles({ directory: "public" }));
 * app.mount("/", staticFiles({ directory: "dist", html: true, spaFallback: "index.html" }));
 */
export function staticFiles(options: StaticFilesOptions): StaticFilesHandler {
  if (!existsSync(options.directory) || !statSync(options.directory).isDirectory()) {
    throw new Error(`staticFiles: directory ${JSON.stringify(options.directory)} does not exist`);
  }
  const root = realpathSync(options.directory);
  const indexNames = options.html === true ? ["index.html"] : Array.isArray(options.html) ? options.html : [];
  const htmlMode = options.html !== undefined && options.html !== false;
  const allowDotfiles = options.dotfiles === "allow";
  const fallbackSegments = options.spaFallback === undefined ? undefined : requestSegments(`/${options.spaFallback}`);
  if (options.spaFallback !== undefined && (fallbackSegments === undefined || fallbackSegments.length === 0)) {
    throw new Error(`staticFiles: spaFallback must name a file inside the directory, got ${JSON.stringify(options.spaFallback)}`);
  }

  const fileResponse = async (req: Request, real: string, stats: Stats, status = 200): Promise<Response> => {
    const response = new FileResponse(real, { stat: stats, status });
    if (options.cacheControl) response.headers["cache-control"] = options.cacheControl;
    await prepareResponse(response, req);
    return response;
  };

  const findFile = async (segments: readonly string[]): Promise<{ real: string; stats: Stats } | undefined> => {
    const real = await resolveInside(root, segments);
    if (real === undefined) return undefined;
    const stats = await stat(real);
    return stats.isFile() ? { real, stats } : undefined;
  };

  const notFound = async (req: Request): Promise<Response> => {
    if (fallbackSegments && acceptsHtml(req)) {
      const fallback = await findFile(fallbackSegments);
      if (fallback) return fileResponse(req, fallback.real, fallback.stats);
    }
    if (htmlMode) {
      const page = await findFile(["404.html"]);
      if (page) return fileResponse(req, page.real, page.stats, 404);
    }
    throw new HTTPException(404, "Not Found");
  };

  return async (req) => {
    if (req.method !== "GET" && req.method !== "HEAD") throw new HTTPException(405, "Method Not Allowed", { allow: "GET, HEAD" });
    const segments = requestSegments(req.path);
    if (segments === undefined) throw new HTTPException(404, "Not Found");
    if (!allowDotfiles && segments.some((s) => s.startsWith(".") && s !== ".well-known")) throw new HTTPException(404, "Not Found");
    const real = await resolveInside(root, segments);
    if (real === undefined) return notFound(req);
    const stats = await stat(real);
    if (stats.isFile()) return fileResponse(req, real, stats);
    if (!stats.isDirectory() || !htmlMode) return notFound(req);
    if (!req.path.endsWith("/")) {
      return new RedirectResponse(`${req.rootPath}${req.path}/${req.queryString ? `?${req.queryString}` : ""}`);
    }
    for (const name of indexNames) {
      const index = await findFile([...segments, name]);
      if (index) return fileResponse(req, index.real, index.stats);
    }
    return notFound(req);
  };
}

function acceptsHtml(req: Request): boolean {
  const accept = req.headers["accept"];
  return typeof accept === "string" && /(^|,)\s*text\/html\s*(;|,|$)/i.test(accept);
}
