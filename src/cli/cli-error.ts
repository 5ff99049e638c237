/** Options of a {@link CliError}. */
export interface CliErrorOptions {
  /** The underlying error, kept for programs; not printed. */
  cause?: unknown;
  /** Lines printed below the message (a stack trace into the user's code), when they help. */
  detail?: string;
}

/**
 * A failure the CLI reports as one readable line on stderr, without the CLI's own stack trace,
 * and exits with `exitCode` (2 for a wrong command line, as most CLIs do; 1 for everything else).
 *
 * @example
 * throw new CliError(`Port 8000 on 127.0.0.1 is already in use`);
 */
export class CliError extends Error {
  readonly exitCode: number;
  readonly detail: string | undefined;

  constructor(message: string, exitCode = 1, options: CliErrorOptions = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = "CliError";
    this.exitCode = exitCode;
    this.detail = options.detail;
  }
}

/** A wrong command line: exit code 2 and a pointer to the command's help. */
export function usageError(message: string, command?: string): CliError {
  const help = command ? `loopwise ${command} --help` : "loopwise --help";
  return new CliError(`${message} (see "${help}")`, 2);
}
