package io.oci2squashfs.cli;

/**
 * The exit codes of every command, as numbers; {@link ErrorOptions} declares the one list of them
 * that {@code --help} and the man pages show.
 */
final class ExitCodes {
  /** Done; for verify: the image equals the reference. */
  static final int DONE = 0;

  /** Failed; the error is reported on standard error. */
  static final int FAILED = 1;

  /** A usage error: an unknown or missing option, or a bad value. */
  static final int USAGE = 2;

  /** verify: the image differs from the reference. */
  static final int DIFFERENT = 3;

  /** Stopped by SIGINT (128 + 2); the JVM exits so when the shutdown hook is done. */
  static final int INTERRUPTED = 130;

  /** Stopped by SIGTERM (128 + 15). */
  static final int TERMINATED = 143;
}
