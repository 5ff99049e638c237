import type { JsonSchema } from "../schema/json-schema.js";
import type { OpenAPIContact, OpenAPILicense, OpenAPIServer, OpenAPITag } from "./settings.js";

/** An OpenAPI 3.1 Parameter Object, as loopwise writes it. */
export interface ParameterObject {
  name: string;
  in: "path" | "query" | "header" | "cookie";
  required: boolean;
  schema: JsonSchema;
  description?: string;
  deprecated?: boolean;
}

/** An OpenAPI 3.1 Media Type Object. */
export interface MediaTypeObject {
  schema: JsonSchema;
  example?: unknown;
  examples?: Record<string, unknown>;
}

/** An OpenAPI 3.1 Response Object. */
export interface ResponseObject {
  description: string;
  content?: Record<string, MediaTypeObject>;
  headers?: Record<string, unknown>;
}

/** An OpenAPI 3.1 Operation Object. */
export interface OperationObject {
  tags?: string[];
  summary: string;
  description?: string;
  operationId: string;
  deprecated?: boolean;
  parameters?: ParameterObject[];
  requestBody?: { required?: boolean; content: Record<string, MediaTypeObject> };
  responses: Record<string, ResponseObject>;
  security?: Record<string, string[]>[];
  [extension: `x-${string}`]: unknown;
}

/** An OpenAPI 3.1 document. */
export interface OpenAPIDocument {
  openapi: "3.1.0";
  info: {
    title: string;
    summary?: string;
    description?: string;
    termsOfService?: string;
    contact?: OpenAPIContact;
    license?: OpenAPILicense;
    version: string;
  };
  servers?: OpenAPIServer[];
  paths: Record<string, Record<string, OperationObject>>;
  components?: {
    schemas?: Record<string, JsonSchema>;
    securitySchemes?: Record<string, Record<string, unknown>>;
  };
  tags?: OpenAPITag[];
  [extension: `x-${string}`]: unknown;
}
