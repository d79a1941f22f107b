/** A failure the user can fix: printed as one line on stderr, exit status 1 (2 for usage). */
export class CliError extends Error {
  constructor(
    message: string,
    readonly exitCode = 1,
  ) {
    super(message);
  }
}

export function usage(message: string): CliError {
  return new CliError(`${message} (see iost-edge --help)`, 2);
}
