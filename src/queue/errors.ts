/**
 * The queue lane's errors: each message says what happened and what to do about it.
 */

/** `.enqueue()` was called but no Redis is configured. */
export class QueueNotConfiguredError extends Error {
  override readonly name = "QueueNotConfiguredError";

  constructor(what: string) {
    super(
      `${what} cannot be enqueued: no Redis is configured for the queue lane. Set REDIS_URL=redis://host:6379 ` +
        `in the environment, or pass \`queue: { redisUrl: "redis://host:6379" }\` to new App(), or call ` +
        `configureQueue({ redisUrl }). (.run() needs no Redis: it runs the task on this machine's thread lane.)`,
    );
  }
}

/** Redis cannot be reached right now: nothing was enqueued (or whether it was is unknown). */
export class QueueUnavailableError extends Error {
  override readonly name = "QueueUnavailableError";
  /** 503: a web handler that lets it escape answers "Service Unavailable". */
  readonly status = 503;
}

/** The job ran out of attempts; `reason` is the error message of its last attempt. */
export class JobFailedError extends Error {
  override readonly name = "JobFailedError";
  readonly jobId: string;
  readonly reason: string;

  constructor(what: string, jobId: string, reason: string) {
    super(`${what} (job ${jobId}) failed: ${reason}`);
    this.jobId = jobId;
    this.reason = reason;
  }
}

/** `handle.result({ timeout })` gave up waiting; the job itself goes on. */
export class JobTimeoutError extends Error {
  override readonly name = "JobTimeoutError";
  readonly jobId: string;

  constructor(what: string, jobId: string, timeoutMs: number) {
    super(`${what} (job ${jobId}) did not finish within ${timeoutMs} ms; it is still queued or running`);
    this.jobId = jobId;
  }
}

/** One problem found by a task's `payload` or `result` schema. */
export interface TaskIssue {
  readonly path: (string | number)[];
  readonly message: string;
}

/** A task's arguments or result did not match the schema it declares. */
export class TaskValidationError extends Error {
  override readonly name = "TaskValidationError";
  readonly issues: TaskIssue[];
  /** 422 when a web handler lets it escape: the request's data made the task's payload. */
  readonly status = 422;

  constructor(what: string, part: "arguments" | "result", issues: TaskIssue[]) {
    const listed = issues
      .slice(0, 5)
      .map((issue) => `${issue.path.length > 0 ? issue.path.join(".") : "(root)"}: ${issue.message}`)
      .join("; ");
    super(`${what}: invalid ${part}: ${listed}${issues.length > 5 ? `; and ${issues.length - 5} more` : ""}`);
    this.issues = issues;
  }
}
