package io.oci2squashfs.cli;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

/**
 * What the process's standard error is attached to: a terminal (and how wide), or a pipe or file.
 */
final class Terminal {
  private static final int DEFAULT_WIDTH = 80;

  private Terminal() {}

  /**
   * True when standard error is a terminal that can redraw a line. Java's {@code System.console()}
   * looks at standard input and output instead, which a {@code --json | jq} pipeline makes false.
   */
  static boolean stderrIsTerminal() {
    if ("dumb".equals(System.getenv("TERM"))) {
      return false;
    }
    try {
      String target = Files.readSymbolicLink(Path.of("/proc/self/fd/2")).toString();
      return target.startsWith("/dev/pts/") || target.startsWith("/dev/tty");
    } catch (IOException | UnsupportedOperationException e) {
      return false; // no /proc (not Linux): show no progress rather than garble a log
    }
  }

  /** The terminal's width in columns: $COLUMNS, else what {@code stty size} says, else 80. */
  static int width() {
    String columns = System.getenv("COLUMNS");
    if (columns != null && columns.matches("[0-9]{1,4}") && Integer.parseInt(columns) > 0) {
      return Integer.parseInt(columns);
    }
    try {
      Process p =
          new ProcessBuilder("stty", "size")
              .redirectInput(new File("/dev/tty"))
              .redirectError(ProcessBuilder.Redirect.DISCARD)
              .start();
      String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.US_ASCII).trim();
      if (p.waitFor(2, TimeUnit.SECONDS) && p.exitValue() == 0 && out.matches("[0-9]+ [0-9]+")) {
        int w = Integer.parseInt(out.substring(out.indexOf(' ') + 1));
        return w > 0 ? w : DEFAULT_WIDTH;
      }
    } catch (IOException e) {
      // no stty or no /dev/tty: assume the common width
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    return DEFAULT_WIDTH;
  }
}
