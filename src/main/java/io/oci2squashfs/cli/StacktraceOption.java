package io.oci2squashfs.cli;

/** A command with a {@code --stacktrace} option: on failure, {@link Main} prints the trace too. */
interface StacktraceOption {
  boolean stacktrace();
}
