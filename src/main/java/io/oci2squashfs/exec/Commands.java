package io.oci2squashfs.exec;

import io.oci2squashfs.cleanup.OnSignal;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** Runs short-lived tools to completion, both output streams drained, with a time limit. */
public final class Commands {
  private static final int KEEP = 16 * 1024;

  private Commands() {}

  /** A finished run: the exit code and the (last 16 KiB of) each output stream, trimmed. */
  public record Result(List<String> command, int exitCode, String stdout, String stderr) {
    public boolean ok() {
      return exitCode == 0;
    }

    /** stderr, or stdout when stderr is empty: what the tool said about a failure. */
    public String said() {
      return stderr.isEmpty() ? stdout : stderr;
    }
  }

  /**
   * Runs {@code command} (its first element already resolved, see {@link Executables#find}) with
   * stdin closed and waits for it; a signal that stops the JVM meanwhile stops it too.
   *
   * @throws ToolException when it cannot be started, does not finish within {@code timeoutSeconds}
   *     (it is then killed), or the wait is interrupted; a non-zero exit is a {@link Result}, not
   *     an exception
   */
  public static Result run(List<String> command, long timeoutSeconds) throws ToolException {
    String tool = Path.of(command.get(0)).getFileName().toString();
    Process p;
    try {
      p = new ProcessBuilder(command).start();
    } catch (IOException e) {
      throw new ToolException(
          tool, -1, "cannot run " + command.get(0) + ": " + e.getMessage(), null, e);
    }
    // stopped with the JVM: a signal must not leave it running (one the shutdown hook runs is not
    // stopped)
    try (OnSignal.Registration r = OnSignal.stopOnSignal(p)) {
      return waitFor(p, command, tool, timeoutSeconds);
    }
  }

  private static Result waitFor(Process p, List<String> command, String tool, long timeoutSeconds)
      throws ToolException {
    try {
      p.getOutputStream().close();
      OutputTail out = new OutputTail(p.getInputStream(), KEEP, tool + "-stdout");
      OutputTail err = new OutputTail(p.getErrorStream(), KEEP, tool + "-stderr");
      if (!p.waitFor(timeoutSeconds, TimeUnit.SECONDS)) {
        p.destroyForcibly();
        throw new ToolException(
            tool,
            -1,
            String.join(" ", command) + " did not finish within " + timeoutSeconds + " s",
            null);
      }
      return new Result(List.copyOf(command), p.exitValue(), out.text(), err.text());
    } catch (IOException e) {
      p.destroyForcibly();
      throw new ToolException(
          tool, -1, "cannot run " + command.get(0) + ": " + e.getMessage(), null, e);
    } catch (InterruptedException e) {
      p.destroyForcibly();
      Thread.currentThread().interrupt();
      throw new ToolException(
          tool, -1, "interrupted while running " + String.join(" ", command), null, e);
    }
  }

  /**
   * Finds {@code nameOrPath} like {@link Executables#find}, or fails naming what was looked for.
   *
   * @param hint how to install it, for the exception
   */
  public static Path require(String nameOrPath, String hint) throws ToolException {
    Path p = Executables.find(nameOrPath);
    if (p == null) {
      String tool = Path.of(nameOrPath).getFileName().toString();
      throw new ToolException(
          tool,
          -1,
          tool
              + " not found (looked for '"
              + nameOrPath
              + "'"
              + (nameOrPath.contains("/") ? "" : " on PATH")
              + ")",
          hint);
    }
    return p;
  }
}
