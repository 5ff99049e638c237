import path from "node:path";
import { fileURLToPath } from "node:url";

/** The repository root. */
export const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../..");

/** The pinned Node 24 and the flags that run our TypeScript sources. */
export const nodeBin = path.join(repoRoot, "node_modules", ".bin", "node");
export const tsNodeArgs = ["--conditions=loopwise-source", "--import", "tsx"];
