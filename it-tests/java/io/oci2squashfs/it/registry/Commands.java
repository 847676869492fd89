package io.oci2squashfs.it.registry;

import io.oci2squashfs.exec.Executables;
import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** Runs a tool to completion with a time limit, its output kept for the error message. */
public final class Commands {
  private Commands() {}

  /** What a finished command left: its exit code and its stdout and stderr, interleaved. */
  public record Result(List<String> command, int exitCode, String output) {
    public Result {
      command = List.copyOf(command);
    }

    /** This result, or an IOException naming the command, exit code and output if it failed. */
    public Result orThrow() throws IOException {
      if (exitCode != 0) {
        throw new IOException(
            String.join(" ", command) + " exited with " + exitCode + ": " + tail(output));
      }
      return this;
    }
  }

  /**
   * Fails with the install hint when {@code tool} is not on PATH.
   *
   * @throws IllegalStateException naming the tool and {@code scripts/setup}
   */
  public static String require(String tool) {
    Path found = Executables.find(tool);
    if (found == null) {
      throw new IllegalStateException(
          tool + " is not installed; the registry tests need it. Run: sudo scripts/setup");
    }
    return found.toString();
  }

  /**
   * Runs {@code command}, killing it after {@code timeout}. Output goes to a temporary file, not a
   * pipe, so a chatty tool cannot block on a full pipe while we wait.
   */
  public static Result run(Duration timeout, List<String> command)
      throws IOException, InterruptedException {
    Path out = Files.createTempFile("command-", ".out");
    try {
      Process p =
          new ProcessBuilder(command)
              .redirectErrorStream(true)
              .redirectOutput(out.toFile())
              .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")))
              .start();
      if (!p.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
        p.destroyForcibly().waitFor();
        throw new IOException(
            String.join(" ", command) + " did not finish in " + timeout + ": " + read(out));
      }
      return new Result(command, p.exitValue(), read(out));
    } finally {
      Files.deleteIfExists(out);
    }
  }

  /** Runs {@code command} with a two-minute limit. */
  public static Result run(String... command) throws IOException, InterruptedException {
    return run(Duration.ofMinutes(2), List.of(command));
  }

  static String tail(String output) {
    String trimmed = output.strip();
    return trimmed.length() <= 2000 ? trimmed : "..." + trimmed.substring(trimmed.length() - 2000);
  }

  private static String read(Path file) throws IOException {
    return new String(Files.readAllBytes(file), StandardCharsets.UTF_8); // lenient: binary output
  }
}
