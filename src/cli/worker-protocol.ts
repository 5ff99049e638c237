import type { AppSpec } from "./app-spec.js";
import type { ServerSettings } from "./options.js";

/** What a cluster worker needs to start; sent in its environment as JSON. */
export interface WorkerConfig {
  app: AppSpec;
  settings: ServerSettings;
  /** The directory the primary was started in (module paths are relative to it). */
  cwd: string;
}

/** The environment variable carrying a worker's {@link WorkerConfig}. */
export const WORKER_CONFIG_ENV = "LOOPWISE_WORKER_CONFIG";

/** Worker → primary: listening and serving. */
export interface ReadyMessage {
  type: "loopwise:ready";
  url: string;
  port: number;
  title: string;
}

/** Worker → primary: could not start; `message` is the one line to show. */
export interface FatalMessage {
  type: "loopwise:fatal";
  message: string;
  detail?: string;
  exitCode: number;
}

/** Primary → worker: stop accepting, finish in-flight requests, exit 0. */
export interface ShutdownMessage {
  type: "loopwise:shutdown";
}

export type WorkerMessage = ReadyMessage | FatalMessage;

export function isWorkerMessage(value: unknown): value is WorkerMessage {
  const type = (value as { type?: unknown } | null)?.type;
  return type === "loopwise:ready" || type === "loopwise:fatal";
}

export function isShutdownMessage(value: unknown): value is ShutdownMessage {
  return (value as { type?: unknown } | null)?.type === "loopwise:shutdown";
}

/** Reads the config a worker was started with; throws when it is missing or malformed. */
export function decodeWorkerConfig(text: string | undefined): WorkerConfig {
  if (text === undefined) throw new Error(`${WORKER_CONFIG_ENV} is not set: this module is started by "loopwise serve --workers N"`);
  const config = JSON.parse(text) as WorkerConfig;
  if (typeof config?.app?.module !== "string" || typeof config.settings?.port !== "number" || typeof config.cwd !== "string") {
    throw new Error(`${WORKER_CONFIG_ENV} does not hold a worker config`);
  }
  return config;
}
