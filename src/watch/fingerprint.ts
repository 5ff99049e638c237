import { createHash } from "node:crypto";
import type { BlockedThread } from "./block-report.js";
import type { RawFrame } from "./snapshot.js";

const FRAMES_IN_FINGERPRINT = 5;

/** Whether a frame belongs to Node itself or V8 builtins rather than to an installed or app file. */
export function isRuntimeFrame(frame: { file: string }): boolean {
  return frame.file === "" || frame.file.startsWith("node:");
}

/**
 * A stable id for "the same blocking code path". Uses function and file (not line or column) of
 * the innermost non-runtime frames: where an interrupt lands inside a hot loop varies from one
 * block to the next, the functions do not. Without frames, the thread and route stand in.
 */
export function blockFingerprint(frames: readonly RawFrame[], thread: BlockedThread, route: string): string {
  const hash = createHash("sha256");
  hash.update(thread === "main" ? "main" : "thread");
  const appFrames = frames.filter((frame) => !isRuntimeFrame(frame));
  const chosen = (appFrames.length > 0 ? appFrames : frames).slice(0, FRAMES_IN_FINGERPRINT);
  if (chosen.length === 0) hash.update(`\0route\0${route}`);
  for (const frame of chosen) hash.update(`\0${frame.fn}\0${frame.file}`);
  return hash.digest("hex").slice(0, 16);
}
