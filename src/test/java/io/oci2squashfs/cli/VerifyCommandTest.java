package io.oci2squashfs.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * verify's command-line contract: help, usage errors exit 2, failures exit 1 in one line. No
 * external tools.
 */
class VerifyCommandTest {
  @TempDir Path tmp;

  static CliRun run(String... args) {
    return CliRun.of(args);
  }

  @Test
  void helpExplainsItself() {
    CliRun r = run("verify", "--help");
    assertEquals(0, r.code());
    for (String s :
        new String[] {
          "--squashfs",
          "--reference",
          "--image",
          "--method",
          "--ignore-ownership",
          "--ignore",
          "--json",
          "--mtime",
          "Examples",
          "3 different",
          "~ PATH: FIELD: REFERENCE -> IMAGE"
        }) {
      assertTrue(r.out().contains(s), "verify --help lacks " + s + ":\n" + r.out());
    }
    assertTrue(run("--help").out().contains("verify"));
  }

  @Test
  void usageErrorsExitTwo() {
    assertEquals(2, run("verify", "--reference", "x").code(), "no --squashfs");
    assertEquals(2, run("verify", "-s", "x").code(), "no reference");
    CliRun both = run("verify", "-s", "x", "-r", "y", "-i", "z");
    assertEquals(2, both.code());
    assertTrue(both.err().contains("mutually exclusive"), both.err());
    CliRun method = run("verify", "-s", "x", "-r", "y", "--method", "kernel");
    assertEquals(2, method.code());
    assertTrue(method.err().contains("kernel"), method.err());
    assertEquals(2, run("verify", "-s", "x", "-r", "y", "--ignore", "/").code());
    assertEquals(2, run("verify", "-s", "x", "-i", "dir:").code());
  }

  @Test
  void missingFilesFailInOneLine() throws Exception {
    CliRun r = run("verify", "-s", tmp.resolve("none.squashfs").toString(), "-r", tmp.toString());
    assertEquals(1, r.code());
    assertEquals(1, r.err().lines().count(), r.err());
    assertTrue(r.err().contains("none.squashfs"), r.err());
    Path img = Files.writeString(tmp.resolve("x.squashfs"), "not really");
    CliRun ref = run("verify", "-s", img.toString(), "-r", tmp.resolve("nodir").toString());
    assertEquals(1, ref.code());
    assertTrue(ref.err().contains("nodir"), ref.err());
    CliRun trace =
        run(
            "verify",
            "-s",
            tmp.resolve("none.squashfs").toString(),
            "-r",
            tmp.toString(),
            "--stacktrace");
    assertEquals(1, trace.code());
    assertTrue(trace.err().contains("\tat "), trace.err());
  }
}
