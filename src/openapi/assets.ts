import { readFile } from "node:fs/promises";
import { createRequire } from "node:module";
import path from "node:path";
import { Response } from "../responses/response.js";
import { Buffer } from "node:buffer";

interface Asset {
  readonly packageName: "swagger-ui-dist" | "redoc";
  readonly file: string;
  readonly mediaType: string;
  /** Applied once to the file's text before it is served. */
  readonly rewrite?: (text: string) => string;
}

/**
 * ReDoc's side menu shows the Redocly logo from Redocly's CDN, unconditionally: the only request
 * the docs pages would make to another origin. An empty inline image takes its place (the
 * "API docs by Redocly" link stays).
 */
const REDOC_CDN_LOGO = "https://cdn.redoc.ly/redoc/logo-mini.svg";
const EMPTY_IMAGE = "data:image/svg+xml,%3Csvg%20xmlns%3D%27http%3A%2F%2Fwww.w3.org%2F2000%2Fsvg%27%2F%3E";

/**
 * The files the docs pages load, by the name they are served under. They come from the npm
 * packages installed with loopwise, never from a CDN: docs keep working on closed networks and
 * when a CDN is down.
 */
const ASSETS: Record<string, Asset> = {
  "swagger-ui-bundle.js": { packageName: "swagger-ui-dist", file: "swagger-ui-bundle.js", mediaType: "text/javascript; charset=utf-8" },
  "swagger-ui.css": { packageName: "swagger-ui-dist", file: "swagger-ui.css", mediaType: "text/css; charset=utf-8" },
  "oauth2-redirect.js": { packageName: "swagger-ui-dist", file: "oauth2-redirect.js", mediaType: "text/javascript; charset=utf-8" },
  "favicon.png": { packageName: "swagger-ui-dist", file: "favicon-32x32.png", mediaType: "image/png" },
  "redoc.standalone.js": {
    packageName: "redoc",
    file: "bundles/redoc.standalone.js",
    mediaType: "text/javascript; charset=utf-8",
    rewrite: (text) => text.replaceAll(REDOC_CDN_LOGO, EMPTY_IMAGE),
  },
};

const require = createRequire(import.meta.url);
const loaded = new Map<string, Promise<{ bytes: Buffer; etag: string }>>();

function load(name: string, asset: Asset): Promise<{ bytes: Buffer; etag: string }> {
  let pending = loaded.get(name);
  if (!pending) {
    pending = (async () => {
      const manifestPath = require.resolve(`${asset.packageName}/package.json`);
      const manifest = JSON.parse(await readFile(manifestPath, "utf8")) as { version: string };
      const raw = await readFile(path.join(path.dirname(manifestPath), asset.file));
      const bytes = asset.rewrite ? Buffer.from(asset.rewrite(raw.toString("utf8"))) : raw;
      return { bytes, etag: `"${asset.packageName}@${manifest.version}/${name}"` };
    })();
    // A failed read is retried on the next request rather than cached.
    pending.catch(() => loaded.delete(name));
    loaded.set(name, pending);
  }
  return pending;
}

/** Whether `name` is one of the docs assets. */
export function isDocsAsset(name: string): boolean {
  return Object.hasOwn(ASSETS, name);
}

/**
 * Answers a request for a docs asset: the file's bytes (read once, then kept in memory), with an
 * ETag naming the package version, or 304 when the client has it already.
 */
export async function docsAssetResponse(name: string, ifNoneMatch: string | undefined): Promise<Response> {
  const asset = ASSETS[name]!;
  const { bytes, etag } = await load(name, asset);
  const headers = { etag, "cache-control": "public, max-age=3600" };
  if (ifNoneMatch !== undefined && ifNoneMatch.split(",").some((tag) => tag.trim() === etag)) return new Response(null, { status: 304, headers });
  return new Response(bytes, { headers, mediaType: asset.mediaType });
}
