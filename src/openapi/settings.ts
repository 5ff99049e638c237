/** OpenAPI `info.contact`. */
export interface OpenAPIContact {
  name?: string;
  url?: string;
  email?: string;
}

/** OpenAPI `info.license`: a name, with an SPDX `identifier` or a `url`. */
export interface OpenAPILicense {
  name: string;
  identifier?: string;
  url?: string;
}

/** An OpenAPI Server Object. */
export interface OpenAPIServer {
  url: string;
  description?: string;
  variables?: Record<string, { default: string; enum?: string[]; description?: string }>;
}

/** A top-level OpenAPI tag: the description (Markdown) the docs show for a group of operations. */
export interface OpenAPITag {
  name: string;
  description?: string;
  externalDocs?: { url: string; description?: string };
}

/**
 * The app options that shape the OpenAPI document and the docs pages. Every URL can be changed;
 * `null` turns the endpoint off (with `openapiUrl: null` there are no docs at all).
 */
export interface OpenAPIOptions {
  /** OpenAPI `info.summary`. */
  summary?: string;
  /** OpenAPI `info.termsOfService` (a URL). */
  termsOfService?: string;
  contact?: OpenAPIContact;
  license?: OpenAPILicense;
  /** OpenAPI `servers`. When the app is mounted under a prefix, that prefix is listed first. */
  servers?: OpenAPIServer[];
  /** Descriptions and order of tags (FastAPI's `openapi_tags`). */
  openapiTags?: OpenAPITag[];
  /** The document (default "/openapi.json"). */
  openapiUrl?: string | null;
  /** Swagger UI (default "/docs"). */
  docsUrl?: string | null;
  /** ReDoc (default "/redoc"). */
  redocUrl?: string | null;
  /** Where Swagger UI's OAuth2 "Authorize" flow returns (default "/docs/oauth2-redirect"). */
  swaggerUiOAuth2RedirectUrl?: string | null;
  /** Passed to Swagger UI's `initOAuth` (`{ clientId, usePkceWithAuthorizationCodeGrant, ... }`). */
  swaggerUiInitOAuth?: Record<string, unknown>;
  /** Extra Swagger UI configuration (`{ docExpansion: "none", persistAuthorization: true }`). */
  swaggerUiParameters?: Record<string, unknown>;
  /** Where the docs pages' scripts and styles are served from the npm packages (default "/docs-assets"). */
  docsAssetsUrl?: string;
  /** Add the mount prefix to `servers` when the app is mounted (default true, as FastAPI). */
  rootPathInServers?: boolean;
}
