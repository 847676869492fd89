package io.oci2squashfs.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.PrintWriter;
import java.io.StringWriter;
import org.junit.jupiter.api.Test;

/** What the reporter prints in each mode, driven by hand with a made-up clock. */
class ConsoleReporterTest {
  static final long SECOND = 1_000_000_000L;
  static final long MIB = 1L << 20;

  final StringWriter text = new StringWriter();
  final long[] now = {0};

  ConsoleReporter reporter(ConsoleReporter.Mode mode, boolean verbose) {
    return new ConsoleReporter(new PrintWriter(text, true), mode, verbose, () -> now[0], 60);
  }

  @Test
  void warningsPastTwentyAreCountedNotShownUnlessVerbose() {
    ConsoleReporter r = reporter(ConsoleReporter.Mode.PLAIN, false);
    for (int i = 1; i <= 25; i++) {
      r.warning("w" + i);
    }
    assertTrue(text.toString().contains("warning: w20\n"), text.toString());
    assertFalse(text.toString().contains("warning: w21\n"), text.toString());
    assertEquals(
        1, text.toString().lines().filter(l -> l.contains("more warnings follow")).count());
    assertEquals(25, r.warningCount());
    assertEquals(25, r.warnings().size(), "all are kept for --json");

    StringWriter verboseText = new StringWriter();
    ConsoleReporter v =
        new ConsoleReporter(
            new PrintWriter(verboseText, true), ConsoleReporter.Mode.PLAIN, true, () -> 0, 60);
    for (int i = 1; i <= 25; i++) {
      v.warning("w" + i);
    }
    assertTrue(verboseText.toString().contains("warning: w25\n"), verboseText.toString());
  }

  @Test
  void plainModePrintsAStatusLineAtMostEveryThirtySeconds() {
    ConsoleReporter r = reporter(ConsoleReporter.Mode.PLAIN, false);
    r.imageLoaded(ConvertProgressTest.image(1000 * MIB));
    r.layerStarted(0, 1, "sha256:0123456789abcdef0123", 1000 * MIB);
    for (int s = 1; s <= 65; s++) {
      now[0] = s * SECOND;
      r.layerProgress(0, s * 10 * MIB);
    }
    long statusLines = text.toString().lines().filter(l -> l.startsWith("layers 1/1 ")).count();
    assertEquals(2, statusLines, "at 30 s and 60 s: " + text);
    assertFalse(text.toString().contains("\r"), text.toString());
  }

  @Test
  void terminalLinesAreCutToTheWidthAndWarningsGoAboveTheLiveLine() {
    ConsoleReporter r = reporter(ConsoleReporter.Mode.TERMINAL, false);
    r.loading(
        "an-image-with-a-name-long-enough-to-need-cutting-on-a-sixty-column-terminal",
        "mksquashfs");
    r.warning("something");
    r.close();
    String out = text.toString();
    for (String drawn : out.split("\r")) {
      String visible = drawn.replace("\033[K", "").replace("\n", "");
      assertTrue(visible.length() < 60, "fits in 60 columns: " + visible);
    }
    assertTrue(
        out.contains("\r\033[Kwarning: something\n\rloading image "),
        "the warning replaces the live line, which is drawn again below it: " + out);
    assertTrue(out.endsWith("\r\033[K"), "closing clears the live line: " + out);
  }

  @Test
  void quietPrintsNothing() {
    ConsoleReporter r = reporter(ConsoleReporter.Mode.QUIET, true);
    r.loading("img", "mksquashfs");
    r.imageLoaded(ConvertProgressTest.image(MIB));
    r.warning("w");
    r.close();
    assertEquals("", text.toString());
    assertEquals(1, r.warningCount());
  }
}
