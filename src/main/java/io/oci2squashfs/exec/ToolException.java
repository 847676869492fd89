package io.oci2squashfs.exec;

import java.io.IOException;

/** An external tool is missing, too old, or failed; the message quotes what it said. */
public class ToolException extends IOException {
  private static final long serialVersionUID = 1L;

  private final String tool;
  private final int exitCode;
  private final String hint;

  public ToolException(String tool, int exitCode, String message, String hint) {
    super(message);
    this.tool = tool;
    this.exitCode = exitCode;
    this.hint = hint;
  }

  public ToolException(String tool, int exitCode, String message, String hint, Throwable cause) {
    this(tool, exitCode, message, hint);
    initCause(cause);
  }

  public String tool() {
    return tool;
  }

  /** The tool's exit code, or -1 when it did not run to an exit. */
  public int exitCode() {
    return exitCode;
  }

  /** What the user can do about it, or null. */
  public String hint() {
    return hint;
  }
}
