import { HTTPException } from "../errors/http-exception.js";
import type { Request } from "../request.js";
import { HTMLResponse, JSONResponse, type Response } from "../responses/response.js";
import { docsAssetResponse, isDocsAsset } from "./assets.js";
import type { OpenAPIDocument } from "./document.js";
import { oauth2RedirectHtml, redocHtml, swaggerUiHtml } from "./pages.js";
import type { OpenAPIOptions } from "./settings.js";

/** The docs endpoints of an app, resolved from its options. */
interface DocsUrls {
  openapi: string | null;
  swagger: string | null;
  oauth2Redirect: string | null;
  redoc: string | null;
  assets: string;
}

function checkUrl(name: string, url: string | null | undefined, fallback: string | null): string | null {
  const value = url === undefined ? fallback : url;
  if (value !== null && (!value.startsWith("/") || (value.length > 1 && value.endsWith("/")))) {
    throw new Error(`${name} must start with "/" and not end with "/": ${JSON.stringify(value)}`);
  }
  return value;
}

/**
 * Serves `/openapi.json`, Swagger UI at `/docs` (with `/docs/oauth2-redirect` for the OAuth2
 * "Authorize" flow), ReDoc at `/redoc`, and their scripts and styles from the npm packages. Only
 * requests no route matched come here, for GET and HEAD. Inside a mounted app every URL is
 * prefixed with the mount path, and the document lists that prefix as its first server.
 */
export class ApiDocs {
  readonly #urls: DocsUrls;
  readonly #options: OpenAPIOptions;
  readonly #title: string;
  readonly #document: () => OpenAPIDocument;

  constructor(title: string, options: OpenAPIOptions, document: () => OpenAPIDocument) {
    const openapi = checkUrl("openapiUrl", options.openapiUrl, "/openapi.json");
    // Without a document there is nothing for the pages to show: FastAPI turns them off too.
    const swagger = openapi === null ? null : checkUrl("docsUrl", options.docsUrl, "/docs");
    this.#urls = {
      openapi,
      swagger,
      oauth2Redirect: swagger === null ? null : checkUrl("swaggerUiOAuth2RedirectUrl", options.swaggerUiOAuth2RedirectUrl, "/docs/oauth2-redirect"),
      redoc: openapi === null ? null : checkUrl("redocUrl", options.redocUrl, "/redoc"),
      assets: checkUrl("docsAssetsUrl", options.docsAssetsUrl, "/docs-assets")!,
    };
    this.#options = options;
    this.#title = title;
    this.#document = document;
  }

  /** The docs response for `req`, or undefined when `req` is not for the docs. */
  respond(req: Request): Response | Promise<Response> | undefined {
    const urls = this.#urls;
    const path = req.path;
    if (req.method !== "GET" && req.method !== "HEAD") {
      const isPage = path === urls.openapi || path === urls.swagger || path === urls.oauth2Redirect || path === urls.redoc;
      if (isPage) throw new HTTPException(405, "Method Not Allowed", { allow: "GET, HEAD" });
      return undefined;
    }
    const root = req.rootPath.replace(/\/+$/, "");
    if (path === urls.openapi) return new JSONResponse(this.#withRootPath(this.#document(), root));
    if (urls.openapi === null) return undefined;
    const openapiUrl = root + urls.openapi;
    const assetsUrl = root + urls.assets;
    if (path === urls.swagger) {
      return new HTMLResponse(
        swaggerUiHtml({
          title: `${this.#title} - Swagger UI`,
          openapiUrl,
          assetsUrl,
          oauth2RedirectUrl: urls.oauth2Redirect === null ? undefined : root + urls.oauth2Redirect,
          initOAuth: this.#options.swaggerUiInitOAuth,
          parameters: this.#options.swaggerUiParameters,
        }),
      );
    }
    if (path === urls.oauth2Redirect) return new HTMLResponse(oauth2RedirectHtml(assetsUrl));
    if (path === urls.redoc) return new HTMLResponse(redocHtml({ title: `${this.#title} - ReDoc`, openapiUrl, assetsUrl }));
    if ((urls.swagger !== null || urls.redoc !== null) && path.startsWith(urls.assets + "/")) {
      const name = path.slice(urls.assets.length + 1);
      if (isDocsAsset(name)) return docsAssetResponse(name, headerText(req.headers["if-none-match"]));
    }
    return undefined;
  }

  #withRootPath(document: OpenAPIDocument, root: string): OpenAPIDocument {
    if (root === "" || this.#options.rootPathInServers === false) return document;
    const servers = document.servers ?? [];
    if (servers.some((server) => server.url === root)) return document;
    const { openapi, info, servers: _declared, ...rest } = document;
    return { openapi, info, servers: [{ url: root }, ...servers], ...rest };
  }
}

function headerText(value: string | string[] | undefined): string | undefined {
  return Array.isArray(value) ? value.join(",") : value;
}
