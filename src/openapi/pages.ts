/** HTML text with `&`, `<`, `>` and quotes escaped. */
function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

/** A JavaScript literal of `value` that cannot close the surrounding `<script>` element. */
function scriptLiteral(value: unknown): string {
  return JSON.stringify(value).replace(/</g, "\\u003c").replace(/\u2028/g, "\\u2028").replace(/\u2029/g, "\\u2029");
}

/** What the Swagger UI page needs. */
export interface SwaggerPageOptions {
  title: string;
  openapiUrl: string;
  assetsUrl: string;
  /** Absolute path of the OAuth2 redirect page, or undefined without one. */
  oauth2RedirectUrl: string | undefined;
  initOAuth: Record<string, unknown> | undefined;
  parameters: Record<string, unknown> | undefined;
}

/** FastAPI's defaults for Swagger UI. */
const SWAGGER_DEFAULTS = { dom_id: "#swagger-ui", layout: "BaseLayout", deepLinking: true, showExtensions: true, showCommonExtensions: true };

/**
 * The Swagger UI page (FastAPI's `get_swagger_ui_html`), loading Swagger UI from the app itself.
 *
 * @example
 * swaggerUiHtml({ title: "Inventory - Swagger UI", openapiUrl: "/openapi.json", assetsUrl: "/docs-assets",
 *   oauth2RedirectUrl: "/docs/oauth2-redirect", initOAuth: undefined, parameters: undefined })
 */
export function swaggerUiHtml(options: SwaggerPageOptions): string {
  const config = { url: options.openapiUrl, ...SWAGGER_DEFAULTS, ...options.parameters };
  const redirect = options.oauth2RedirectUrl === undefined ? "" : `\n      oauth2RedirectUrl: window.location.origin + ${scriptLiteral(options.oauth2RedirectUrl)},`;
  const initOAuth = options.initOAuth === undefined ? "" : `\n    ui.initOAuth(${scriptLiteral(options.initOAuth)});`;
  return `<!DOCTYPE html>
<html>
<head>
  <meta charset="utf-8">
  <link type="text/css" rel="stylesheet" href="${escapeHtml(options.assetsUrl)}/swagger-ui.css">
  <link rel="shortcut icon" href="${escapeHtml(options.assetsUrl)}/favicon.png">
  <title>${escapeHtml(options.title)}</title>
</head>
<body>
  <div id="swagger-ui"></div>
  <script src="${escapeHtml(options.assetsUrl)}/swagger-ui-bundle.js"></script>
  <script>
    const ui = SwaggerUIBundle({
      ...${scriptLiteral(config)},${redirect}
      presets: [SwaggerUIBundle.presets.apis, SwaggerUIBundle.SwaggerUIStandalonePreset],
    });${initOAuth}
    window.ui = ui;
  </script>
</body>
</html>
`;
}

/** The page Swagger UI's OAuth2 flow returns to; it hands the result back to the docs window. */
export function oauth2RedirectHtml(assetsUrl: string): string {
  return `<!doctype html>
<html lang="en-US">
<head><title>Swagger UI: OAuth2 Redirect</title></head>
<body>
<script src="${escapeHtml(assetsUrl)}/oauth2-redirect.js"></script>
</body>
</html>
`;
}

/**
 * The ReDoc page (FastAPI's `get_redoc_html`), without Google Fonts: nothing is loaded from
 * another origin.
 *
 * @example
 * redocHtml({ title: "Inventory - ReDoc", openapiUrl: "/openapi.json", assetsUrl: "/docs-assets" })
 */
export function redocHtml(options: { title: string; openapiUrl: string; assetsUrl: string }): string {
  return `<!DOCTYPE html>
<html>
<head>
  <title>${escapeHtml(options.title)}</title>
  <meta charset="utf-8"/>
  <meta name="viewport" content="width=device-width, initial-scale=1">
  <link rel="shortcut icon" href="${escapeHtml(options.assetsUrl)}/favicon.png">
  <style>body { margin: 0; padding: 0; }</style>
</head>
<body>
  <noscript>ReDoc requires Javascript to function. Please enable it to browse the documentation.</noscript>
  <redoc spec-url="${escapeHtml(options.openapiUrl)}"></redoc>
  <script src="${escapeHtml(options.assetsUrl)}/redoc.standalone.js"></script>
</body>
</html>
`;
}
