export type { Schema, Infer, Shape, InferShape, ParamLocation, ValidationIssue, Validated } from "./types.js";
export { toJsonSchema, type JsonSchema } from "./json-schema.js";
export { compileParams, type ParamValidator, type ParamInfo, type ParamInput, type ParamSource } from "./params.js";
export { compileBody, type BodyValidator } from "./body.js";
export { compileResponse, compileNoSchemaSerializer, type ResponseCompiler } from "./response.js";
export { compileSerializer, type Serializer } from "./serializer.js";
export { jsonInvalid } from "./json-invalid.js";
export { headerWireName } from "./header-name.js";
export { mapIssues } from "./map-issues.js";
