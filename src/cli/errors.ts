/**
 * The two kinds of failure a user can cause (exit code 2, a message, no stack trace). Anything
 * else thrown is a bug in freigabe and is reported as an internal error.
 */

/** Wrong command line: unknown command or option, missing or invalid value. */
export class UsageError extends Error {
  override readonly name = 'UsageError';
}

/** Input that cannot be read at all: missing directory, unknown git ref, unreadable JSON file. */
export class InputError extends Error {
  override readonly name = 'InputError';
}
