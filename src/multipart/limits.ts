/** Limits of a `multipart/form-data` body; every one answers 413 when exceeded. */
export interface UploadLimits {
  /** Largest single file, in bytes (default 100 MiB). */
  maxFileSize?: number;
  /** Largest whole body, in bytes, counting everything sent (default 200 MiB). */
  maxTotalSize?: number;
  /** Most files (default 100). */
  maxFiles?: number;
  /** Most non-file fields (default 1000, as Starlette). */
  maxFields?: number;
  /** Largest non-file field value, in bytes (default 1 MiB, as Starlette). */
  maxFieldSize?: number;
  /** Most parts, files and fields together (default 1100). */
  maxParts?: number;
  /** A file stays in memory up to this many bytes, then moves to a temporary file (default 1 MiB). */
  memoryThreshold?: number;
  /** Where temporary files go (default the OS temp directory). */
  tempDirectory?: string;
}

/** {@link UploadLimits} with every value decided. */
export type ResolvedUploadLimits = Required<Omit<UploadLimits, "tempDirectory">> & { tempDirectory: string | undefined };

const MiB = 1024 * 1024;

/** Fills in the defaults. */
export function resolveUploadLimits(limits: UploadLimits = {}): ResolvedUploadLimits {
  const resolved: ResolvedUploadLimits = {
    maxFileSize: limits.maxFileSize ?? 100 * MiB,
    maxTotalSize: limits.maxTotalSize ?? 200 * MiB,
    maxFiles: limits.maxFiles ?? 100,
    maxFields: limits.maxFields ?? 1000,
    maxFieldSize: limits.maxFieldSize ?? MiB,
    maxParts: limits.maxParts ?? 1100,
    memoryThreshold: limits.memoryThreshold ?? MiB,
    tempDirectory: limits.tempDirectory,
  };
  for (const [name, value] of Object.entries(resolved)) {
    if (name !== "tempDirectory" && !(typeof value === "number" && value >= 0)) throw new RangeError(`Upload limit ${name} must be a non-negative number, got ${value}`);
  }
  return resolved;
}
