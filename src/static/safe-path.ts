import { realpath } from "node:fs/promises";
import path from "node:path";

/**
 * The path segments a request path names under a served directory, or undefined when the path
 * could point anywhere else: undecodable percent-encoding, a NUL byte, a backslash (a separator
 * on Windows), or a `..` segment (also when spelled `%2e%2e`, since decoding happens first and
 * exactly once — `%252e%252e` stays the literal name `%2e%2e`). Empty and `.` segments are
 * dropped, so `//etc/passwd` is `etc/passwd` inside the directory, never the absolute path.
 */
export function requestSegments(encodedPath: string): string[] | undefined {
  let decoded: string;
  try {
    decoded = decodeURIComponent(encodedPath);
  } catch {
    return undefined;
  }
  if (decoded.includes("\0") || decoded.includes("\\")) return undefined;
  const segments: string[] = [];
  for (const segment of decoded.split("/")) {
    if (segment === "" || segment === ".") continue;
    if (segment === "..") return undefined;
    segments.push(segment);
  }
  return segments;
}

/** Whether `candidate` (a real path) is `root` or inside it. */
export function isInside(root: string, candidate: string): boolean {
  return candidate === root || candidate.startsWith(root.endsWith(path.sep) ? root : root + path.sep);
}

const NOT_FOUND_CODES = new Set(["ENOENT", "ENOTDIR", "ENAMETOOLONG", "ELOOP", "EACCES", "EPERM", "EINVAL"]);

/**
 * Resolves `segments` under the real path `root`, following symlinks, and returns the real path
 * only if it is still inside `root` (a symlink pointing outside is treated as absent).
 */
export async function resolveInside(root: string, segments: readonly string[]): Promise<string | undefined> {
  let real: string;
  try {
    real = await realpath(path.join(root, ...segments));
  } catch (error) {
    if (NOT_FOUND_CODES.has((error as NodeJS.ErrnoException).code ?? "")) return undefined;
    throw error;
  }
  return isInside(root, real) ? real : undefined;
}
