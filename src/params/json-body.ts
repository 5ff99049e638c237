import { HTTPException } from "../errors/http-exception.js";
import { RequestValidationError } from "../errors/validation-error.js";
import { findJsonSyntaxError } from "./json-syntax-error.js";

const strictUtf8 = new TextDecoder("utf-8", { fatal: true, ignoreBOM: false });

/** Whether a `Content-Type` names JSON: `application/json` or `application/<anything>+json`. */
export function isJsonContentType(contentType: string | undefined): boolean {
  if (contentType === undefined) return false;
  const semi = contentType.indexOf(";");
  const type = (semi === -1 ? contentType : contentType.slice(0, semi)).trim().toLowerCase();
  return type === "application/json" || (type.startsWith("application/") && type.endsWith("+json"));
}

/** Decodes bytes as strict UTF-8: invalid sequences are a 400, never replaced silently. */
export function decodeUtf8(bytes: Uint8Array): string {
  try {
    return strictUtf8.decode(bytes);
  } catch {
    throw new HTTPException(400, "Request body is not valid UTF-8");
  }
}

/**
 * Parses a JSON request body. Broken JSON is a 422 `json_invalid` at the character where it
 * broke (FastAPI's shape); keys that could poison prototypes (`__proto__`, `constructor.prototype`)
 * are a 400.
 */
export function parseJsonBody(bytes: Uint8Array): unknown {
  const text = decodeUtf8(bytes);
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    const { position, message } = findJsonSyntaxError(text);
    throw new RequestValidationError([
      { type: "json_invalid", loc: ["body", position], msg: "JSON decode error", input: {}, ctx: { error: message } },
    ]);
  }
  if ((text.includes("__proto__") || text.includes("constructor")) && hasPoisonedKey(value)) {
    throw new HTTPException(400, "Request body contains a forbidden key (__proto__ or constructor.prototype)");
  }
  return value;
}

function hasPoisonedKey(value: unknown): boolean {
  const stack: unknown[] = [value];
  while (stack.length > 0) {
    const node = stack.pop();
    if (node === null || typeof node !== "object") continue;
    if (Object.prototype.hasOwnProperty.call(node, "__proto__")) return true;
    const ctor = (node as Record<string, unknown>)["constructor"];
    if (Object.prototype.hasOwnProperty.call(node, "constructor") && ctor !== null && typeof ctor === "object" &&
      Object.prototype.hasOwnProperty.call(ctor, "prototype")) {
      return true;
    }
    for (const key in node) stack.push((node as Record<string, unknown>)[key]);
  }
  return false;
}
