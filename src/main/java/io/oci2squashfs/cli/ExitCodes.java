package io.oci2squashfs.cli;

import picocli.CommandLine.Command;

/**
 * The exit codes of every command: the numbers the commands return, and the one list of them that
 * {@code --help} and the man pages show (mixed into {@link Main} and every command).
 */
@Command(
    exitCodeListHeading = "%nExit codes:%n",
    exitCodeList = {
      "  " + ExitCodes.DONE + ":done (verify: the image equals the reference)",
      "  " + ExitCodes.FAILED + ":failed: one line on standard error says why, naming the file,"
          + " layer and entry at fault (--stacktrace for more)",
      "  " + ExitCodes.USAGE + ":bad usage: an unknown or missing option, or a value it does not"
          + " take",
      "  " + ExitCodes.DIFFERENT + ":verify found differences",
      ExitCodes.INTERRUPTED + ":stopped by Ctrl-C (SIGINT); no output, temporary file or mount is"
          + " left",
      ExitCodes.TERMINATED + ":stopped by SIGTERM; likewise nothing is left"
    })
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
