import type { JsonSchema } from "../schema/json-schema.js";

/**
 * FastAPI's components for the 422 body, key for key (FastAPI ≥ 0.115 with pydantic v2 lists
 * `input` and `ctx` too), so that clients generated from either framework's document agree.
 */
export function validationErrorSchemas(): Record<"HTTPValidationError" | "ValidationError", JsonSchema> {
  return {
    HTTPValidationError: {
      properties: {
        detail: { items: { $ref: "#/components/schemas/ValidationError" }, type: "array", title: "Detail" },
      },
      type: "object",
      title: "HTTPValidationError",
    },
    ValidationError: {
      properties: {
        loc: { items: { anyOf: [{ type: "string" }, { type: "integer" }] }, type: "array", title: "Location" },
        msg: { type: "string", title: "Message" },
        type: { type: "string", title: "Error Type" },
        input: { title: "Input" },
        ctx: { type: "object", title: "Context" },
      },
      type: "object",
      required: ["loc", "msg", "type"],
      title: "ValidationError",
    },
  };
}

/** The Response Object of a 422, referencing {@link validationErrorSchemas}. */
export function validationErrorResponse() {
  return {
    description: "Validation Error",
    content: { "application/json": { schema: { $ref: "#/components/schemas/HTTPValidationError" } } },
  };
}
