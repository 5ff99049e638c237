import type { Route } from "../routing/route.js";
import type { OpenAPIDocument } from "./document.js";
import { buildOperation, openapiPath, type SecuritySchemes } from "./operation.js";
import { SchemaComponents } from "./schema-components.js";
import type { OpenAPIOptions } from "./settings.js";

/** What the document's `info`, `servers` and `tags` are made of. */
export interface DocumentSettings extends Pick<OpenAPIOptions, "summary" | "termsOfService" | "contact" | "license" | "servers" | "openapiTags"> {
  title: string;
  version: string;
  description?: string | undefined;
}

/**
 * Builds the OpenAPI 3.1 document of a list of routes (FastAPI's `get_openapi`): `info`,
 * `servers`, one operation per route in declaration order (a GET route answers HEAD too, but is
 * documented once), `components` with the named schemas and security schemes, and `tags`.
 *
 * Two operations with the same operationId make an invalid document; like FastAPI, loopwise
 * warns (through `warn`) and keeps both.
 *
 * @example
 * const document = buildOpenAPI({ title: "Inventory", version: "1.0.0" }, app.routes);
 */
export function buildOpenAPI(settings: DocumentSettings, routes: readonly Route[], warn: (message: string) => void = () => {}): OpenAPIDocument {
  const info = { title: settings.title } as OpenAPIDocument["info"];
  if (settings.summary) info.summary = settings.summary;
  if (settings.description) info.description = settings.description;
  if (settings.termsOfService) info.termsOfService = settings.termsOfService;
  if (settings.contact) info.contact = { ...settings.contact };
  if (settings.license) info.license = { ...settings.license };
  info.version = settings.version;
  // Keys in the order of the OpenAPI specification (and of FastAPI's output).
  const document = { openapi: "3.1.0", info } as OpenAPIDocument;
  if (settings.servers && settings.servers.length > 0) document.servers = settings.servers.map((server) => ({ ...server }));

  const components = new SchemaComponents();
  const securitySchemes: SecuritySchemes = {};
  const operationIds = new Set<string>();
  const paths: OpenAPIDocument["paths"] = {};
  for (const route of routes) {
    if (route.options.includeInSchema === false) continue;
    const operation = buildOperation(route, components, securitySchemes);
    if (operationIds.has(operation.operationId)) warn(`Duplicate OpenAPI operationId ${operation.operationId} (${route.label}); give the route an explicit operationId`);
    operationIds.add(operation.operationId);
    (paths[openapiPath(route.template.template)] ??= {})[route.method.toLowerCase()] = operation;
  }
  document.paths = paths;

  const schemas = components.finish();
  if (schemas || Object.keys(securitySchemes).length > 0) {
    document.components = {};
    if (schemas) document.components.schemas = schemas;
    if (Object.keys(securitySchemes).length > 0) document.components.securitySchemes = securitySchemes;
  }
  if (settings.openapiTags && settings.openapiTags.length > 0) document.tags = settings.openapiTags.map((tag) => ({ ...tag }));
  return document;
}
