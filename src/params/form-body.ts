import { parse as parseQueryString } from "node:querystring";
import { decodeUtf8 } from "./json-body.js";

/**
 * Reads an `application/x-www-form-urlencoded` body into fields (repeated names give arrays).
 * Another content type gives no fields, so required ones are reported missing, as in FastAPI.
 */
export function parseFormBody(contentType: string | undefined, bytes: Uint8Array): Record<string, string | string[]> {
  if (contentType === undefined || bytes.length === 0) return Object.create(null);
  const type = contentType.split(";", 1)[0]!.trim().toLowerCase();
  if (type !== "application/x-www-form-urlencoded") return Object.create(null);
  return parseQueryString(decodeUtf8(bytes), "&", "=", { maxKeys: 1000 }) as Record<string, string | string[]>;
}
