package io.oci2squashfs.cli;

import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * How a command's end is reported, mixed into {@link Main} and every command: the one list of exit
 * codes its {@code --help} and man page show, and {@code --stacktrace}, which {@link Main} reads.
 */
@Command(
    exitCodeListHeading = "%nExit codes:%n",
    exitCodeList = {
      "  " + ExitCodes.DONE + ":done (verify: the image equals the reference)",
      "  "
          + ExitCodes.FAILED
          + ":failed: one line on standard error says why, naming the file,"
          + " layer and entry at fault (--stacktrace for more)",
      "  "
          + ExitCodes.USAGE
          + ":bad usage: an unknown or missing option, or a value it does not"
          + " take",
      "  " + ExitCodes.DIFFERENT + ":verify found differences",
      ExitCodes.INTERRUPTED
          + ":stopped by Ctrl-C (SIGINT); no output, temporary file or mount is"
          + " left",
      ExitCodes.TERMINATED + ":stopped by SIGTERM; likewise nothing is left"
    })
final class ErrorOptions {
  /** The name {@link Main} finds the mixin by. */
  static final String MIXIN = "errors";

  @Option(names = "--stacktrace", description = "On failure, print the stack trace too.")
  boolean stacktrace;
}
