package io.oci2squashfs.cli;

import picocli.CommandLine.Option;

/** Options about how a failure is reported, mixed into every command; {@link Main} reads them. */
final class ErrorOptions {
  /** The name {@link Main} finds the mixin by. */
  static final String MIXIN = "errors";

  @Option(names = "--stacktrace", description = "On failure, print the stack trace too.")
  boolean stacktrace;
}
