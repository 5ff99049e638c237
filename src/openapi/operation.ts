import { STATUS_CODES } from "node:http";
import type { DependencyCore, SubDependency } from "../deps/dependency.js";
import { addScopes } from "../deps/security-scopes.js";
import type { Route } from "../routing/route.js";
import { compileParams, toJsonSchema, type ParamInfo, type Schema, type Shape } from "../schema/index.js";
import type { JsonSchema } from "../schema/json-schema.js";
import type { MediaTypeObject, OperationObject, ParameterObject, ResponseObject } from "./document.js";
import { routeName, summaryOf, uniqueOperationId } from "./operation-id.js";
import type { SchemaComponents } from "./schema-components.js";
import { validationErrorResponse, validationErrorSchemas } from "./validation-error.js";

/** Security schemes an operation uses, for `components.securitySchemes`. */
export type SecuritySchemes = Record<string, Record<string, unknown>>;

const RANGES: Record<string, string> = {
  "1XX": "Information",
  "2XX": "Success",
  "3XX": "Redirection",
  "4XX": "Client Error",
  "5XX": "Server Error",
  default: "Default Response",
};

/** The OpenAPI path of a route: `/files/{file_path:path}` is written `/files/{file_path}`. */
export function openapiPath(template: string): string {
  return template.replace(/\{([^}:]+):[^}]*\}/g, "{$1}");
}

/** The parameters, bodies and security a route's dependency graph adds, in FastAPI's order. */
interface Inputs {
  params: { location: ParameterObject["in"]; info: ParamInfo }[];
  jsonBodies: Schema[];
  formFields: ParamInfo[];
  /** Uploaded files (multipart): name, whether required, the field's schema. */
  files: { name: string; required: boolean; schema: JsonSchema }[];
  security: Map<string, { definition: Record<string, unknown>; scopes: string[] }>;
}

/**
 * Builds the Operation Object of one route, FastAPI's way: summary and operationId from the
 * handler's name unless given, parameters from the route and then its dependencies (depth first),
 * the request body, the success response with the route's response schema, declared extra
 * responses, a 422 whenever there is anything to validate, and the security requirements of every
 * security dependency reached (OAuth2 ones with the scopes asked along the way).
 */
export function buildOperation(route: Route, components: SchemaComponents, securitySchemes: SecuritySchemes): OperationObject {
  const options = route.options;
  const path = openapiPath(route.template.template);
  const name = routeName(route.handler, route.method, path);
  const operationId = options.operationId ?? uniqueOperationId(name, path, route.method);
  // Keys in FastAPI's order: tags, summary, description, operationId, deprecated, security, ...
  const operation = {} as OperationObject;
  if (options.tags && options.tags.length > 0) operation.tags = [...options.tags];
  operation.summary = options.summary ?? summaryOf(name);
  if (options.description) operation.description = options.description;
  operation.operationId = operationId;
  if (options.deprecated) operation.deprecated = true;

  const inputs = collectInputs(route);
  if (inputs.security.size > 0) {
    operation.security = [];
    for (const [schemeName, { definition, scopes }] of inputs.security) {
      securitySchemes[schemeName] = definition;
      operation.security.push({ [schemeName]: scopes });
    }
  }
  const parameters = buildParameters(inputs.params, components, operationId);
  if (parameters.length > 0) operation.parameters = parameters;
  const requestBody = buildRequestBody(inputs, components, operationId);
  if (requestBody) operation.requestBody = requestBody;
  const responses = buildResponses(route, components, operationId);
  operation.responses = responses;
  const validates = parameters.length > 0 || requestBody !== undefined;
  if (validates && !("422" in responses) && !("4XX" in responses) && !("default" in responses)) {
    responses["422"] = validationErrorResponse();
    for (const [schemaName, schema] of Object.entries(validationErrorSchemas())) components.define(schemaName, schema);
  }
  return operation;
}

function collectInputs(route: Route): Inputs {
  const inputs: Inputs = { params: [], jsonBodies: [], formFields: [], files: [], security: new Map() };
  const options = route.options;
  const declaredPath = options.path ?? {};
  addShape(inputs, "path", declaredPath);
  for (const name of route.template.paramNames) {
    if (!(name in declaredPath)) inputs.params.push({ location: "path", info: { name, wireName: name, required: true, jsonSchema: { type: "string" } } });
  }
  addShape(inputs, "query", options.query);
  addShape(inputs, "header", options.headers);
  addShape(inputs, "cookie", options.cookies);
  if (options.body) inputs.jsonBodies.push(options.body);
  if (options.form) inputs.formFields.push(...compileParams("form", options.form).params);
  for (const [name, file] of Object.entries(options.files ?? {})) {
    // FastAPI's UploadFile: a binary string, which Swagger UI shows as a file picker.
    const binary: JsonSchema = { type: "string", format: "binary" };
    const schema: JsonSchema = file.many ? { type: "array", items: binary } : binary;
    if (file.description !== undefined) schema.description = file.description;
    inputs.files.push({ name, required: !file.optional, schema });
  }
  const entries = route.dependencyPlan?.entries ?? [];
  walkDependencies(entries, (core, scopes) => {
    addShape(inputs, "path", core.declaration.path);
    addShape(inputs, "query", core.declaration.query);
    addShape(inputs, "header", core.declaration.headers);
    addShape(inputs, "cookie", core.declaration.cookies);
    if (core.declaration.body) inputs.jsonBodies.push(core.declaration.body);
    if (core.validators.form) inputs.formFields.push(...core.validators.form.params);
    const scheme = core.securityScheme;
    if (scheme) {
      const known = inputs.security.get(scheme.name) ?? { definition: { ...scheme.definition }, scopes: [] };
      if (scheme.takesScopes) for (const scope of scopes) if (!known.scopes.includes(scope)) known.scopes.push(scope);
      inputs.security.set(scheme.name, known);
    }
  });
  return inputs;
}

function addShape(inputs: Inputs, location: ParameterObject["in"], shape: Shape | undefined): void {
  if (!shape || Object.keys(shape).length === 0) return;
  for (const info of compileParams(location, shape).params) inputs.params.push({ location, info });
}

/** Visits every dependency below a route depth first, once per dependency and set of scopes asked. */
function walkDependencies(entries: readonly SubDependency[], visit: (core: DependencyCore, scopes: readonly string[]) => void): void {
  const seen = new Set<string>();
  const ids = new Map<DependencyCore, number>();
  const stack: { sub: SubDependency; scopes: readonly string[] }[] = entries.map((sub) => ({ sub, scopes: [] as readonly string[] })).reverse();
  while (stack.length > 0) {
    const { sub, scopes: parentScopes } = stack.pop()!;
    const core = sub.dependency.core;
    const scopes = addScopes(parentScopes, sub.dependency.scopes);
    if (!ids.has(core)) ids.set(core, ids.size);
    const key = `${ids.get(core)}:${scopes.join(" ")}`;
    if (seen.has(key)) continue;
    seen.add(key);
    visit(core, scopes);
    for (let i = core.subDependencies.length - 1; i >= 0; i--) stack.push({ sub: core.subDependencies[i]!, scopes });
  }
}

function buildParameters(params: Inputs["params"], components: SchemaComponents, operationId: string): ParameterObject[] {
  // One parameter per (in, name); a required declaration wins over an optional one (FastAPI).
  const byKey = new Map<string, ParameterObject>();
  for (const { location, info } of params) {
    const key = `${location}\u0000${info.wireName}`;
    const known = byKey.get(key);
    if (known && (known.required || !info.required)) continue;
    const schema = components.use(info.jsonSchema, "input", `${operationId}_${info.wireName}`);
    const parameter: ParameterObject = { name: info.wireName, in: location, required: location === "path" || info.required, schema };
    if (typeof schema.description === "string") parameter.description = schema.description;
    if (schema.deprecated === true) parameter.deprecated = true;
    byKey.set(key, parameter);
  }
  return [...byKey.values()];
}

function buildRequestBody(inputs: Inputs, components: SchemaComponents, operationId: string): OperationObject["requestBody"] {
  if (inputs.formFields.length > 0 || inputs.files.length > 0) {
    const properties: Record<string, JsonSchema> = {};
    const required: string[] = [];
    for (const field of inputs.formFields) {
      if (field.wireName in properties && !field.required) continue;
      properties[field.wireName] = components.use(field.jsonSchema, "input", `Body_${operationId}_${field.wireName}`);
      if (field.required && !required.includes(field.wireName)) required.push(field.wireName);
    }
    for (const file of inputs.files) {
      properties[file.name] = file.schema;
      if (file.required && !required.includes(file.name)) required.push(file.name);
    }
    const schema: JsonSchema = { properties, type: "object" };
    if (required.length > 0) schema.required = required;
    schema.title = `Body_${operationId}`;
    const ref = components.define(`Body_${operationId}`, schema);
    const mediaType = inputs.files.length > 0 ? "multipart/form-data" : "application/x-www-form-urlencoded";
    const body: NonNullable<OperationObject["requestBody"]> = { content: { [mediaType]: { schema: ref } } };
    return required.length > 0 ? { required: true, ...body } : body;
  }
  if (inputs.jsonBodies.length === 0) return undefined;
  const unique = [...new Set(inputs.jsonBodies)];
  const schemas = unique.map((schema) => components.use(toJsonSchema(schema, "input"), "input", `Body_${operationId}`));
  const schema = schemas.length === 1 ? schemas[0]! : { allOf: schemas };
  const media: MediaTypeObject = { schema };
  const body = { content: { "application/json": media } };
  return unique.some(rejectsMissing) ? { required: true, ...body } : body;
}

/** Whether a body schema rejects an absent body (asked once, when the document is built). */
function rejectsMissing(schema: Schema): boolean {
  try {
    const result = schema["~standard"].validate(undefined);
    if (result instanceof Promise) {
      result.catch(() => undefined);
      return true;
    }
    return result.issues !== undefined;
  } catch {
    return true;
  }
}

function hasBody(status: number): boolean {
  return !(status < 200 || status === 204 || status === 205 || status === 304);
}

function buildResponses(route: Route, components: SchemaComponents, operationId: string): Record<string, ResponseObject> {
  const options = route.options;
  const status = route.status;
  const responses: Record<string, ResponseObject> = {};
  const success: ResponseObject = { description: "Successful Response" };
  if (hasBody(status)) {
    const schema = options.response ? components.use(toJsonSchema(options.response, "output"), "output", `Response_${operationId}`) : {};
    success.content = { "application/json": { schema } };
  }
  responses[String(status)] = success;
  for (const [rawKey, extra] of Object.entries(options.responses ?? {})) {
    const upper = rawKey.toUpperCase();
    const key = upper === "DEFAULT" ? "default" : upper;
    const target: ResponseObject = responses[key] ?? { description: "" };
    if (extra.schema) {
      const schema = components.use(toJsonSchema(extra.schema, "output"), "output", `Response_${operationId}_${key}`);
      target.content = { ...target.content, "application/json": { schema } };
    }
    target.description = extra.description || target.description || RANGES[key] || STATUS_CODES[Number(key)] || "Additional Response";
    responses[key] = target;
  }
  return responses;
}
