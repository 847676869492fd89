package io.oci2squashfs.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The command line's contract: exit codes, one-line errors, help that explains itself. No external
 * tools.
 */
class MainTest {
  @TempDir Path tmp;

  static CliRun run(String... args) {
    return CliRun.of(args);
  }

  @Test
  void helpExplainsTheCommands() {
    CliRun r = run("--help");
    assertEquals(0, r.code());
    assertTrue(r.out().contains("convert"), r.out());
    CliRun c = run("convert", "--help");
    assertEquals(0, c.code());
    for (String option :
        new String[] {
          "--image", "--output", "--compression", "--reproducible", "--force", "Examples"
        }) {
      assertTrue(c.out().contains(option), "convert --help lacks " + option);
    }
    assertEquals(0, run("help", "convert").code());
  }

  @Test
  void versionPrints() {
    CliRun r = run("--version");
    assertEquals(0, r.code());
    assertTrue(r.out().startsWith("oci2squashfs"), r.out());
  }

  @Test
  void usageErrorsExitTwoWithAHint() {
    CliRun none = run();
    assertEquals(2, none.code());
    CliRun missing = run("convert", "--output", "x.squashfs");
    assertEquals(2, missing.code());
    assertTrue(missing.err().contains("--image"), missing.err());
    assertTrue(missing.err().contains("convert --help"), missing.err());
    CliRun badCompression = run("convert", "-i", "x", "-o", "y", "--compression", "brotli");
    assertEquals(2, badCompression.code());
    assertTrue(badCompression.err().contains("brotli"), badCompression.err());
    assertEquals(2, run("convert", "-i", "x", "-o", "y", "--platform", "linux").code());
    assertEquals(2, run("frobnicate").code());
  }

  @Test
  void aBadPlatformIsAUsageErrorNamingTheValueAndTheForm() {
    for (String command : new String[] {"convert", "squash", "info", "verify"}) {
      CliRun r = run(command, "--platform", "linux/");
      assertEquals(2, r.code(), command + ": " + r.err());
      assertTrue(r.err().contains("\"linux/\"") && r.err().contains("OS/ARCH[/VARIANT]"), r.err());
    }
  }

  @Test
  void outputFormatsAreExplainedAndCheckedAsUsage() {
    CliRun help = run("convert", "--help");
    assertTrue(
        help.out().contains("--format") && help.out().contains("squashfs|erofs|tar|dir"),
        help.out());
    CliRun zip = run("convert", "-i", "x", "-o", "y", "--format", "zip");
    assertEquals(2, zip.code());
    assertTrue(
        zip.err().contains("zip") && zip.err().contains("squashfs, erofs, tar or dir"), zip.err());
    CliRun dirToStdout = run("convert", "-i", "x", "-o", "-", "--format", "dir");
    assertEquals(2, dirToStdout.code());
    assertTrue(dirToStdout.err().contains("standard output"), dirToStdout.err());
  }

  @Test
  void verityOptionsAreCheckedAsUsage() {
    CliRun help = run("convert", "--help");
    assertTrue(help.out().contains("--verity") && help.out().contains("roothash"), help.out());
    CliRun tar = run("convert", "-i", "x", "-o", "y.tar", "--verity");
    assertEquals(2, tar.code(), tar.err());
    assertTrue(tar.err().contains("--verity needs a squashfs or erofs output, not tar"), tar.err());
    CliRun where = run("convert", "-i", "x", "-o", "y.squashfs", "--verity=beside");
    assertEquals(2, where.code(), where.err());
    assertTrue(where.err().contains("appended or sidecar"), where.err());
    CliRun salt = run("convert", "-i", "x", "-o", "y.squashfs", "--verity-salt", "abc");
    assertEquals(2, salt.code(), salt.err());
    CliRun saltAlone = run("convert", "-i", "x", "-o", "y.squashfs", "--verity-salt", "ab");
    assertEquals(2, saltAlone.code(), saltAlone.err());
    assertTrue(saltAlone.err().contains("--verity-salt needs --verity"), saltAlone.err());
    CliRun level = run("convert", "-i", "x", "-o", "y.erofs", "-c", "lz4:3");
    assertEquals(2, level.code(), level.err());
    assertTrue(level.err().contains("lz4 takes no level"), level.err());
  }

  @Test
  void failuresAreOneClearLineWithoutAStackTrace() throws Exception {
    Path fake = fakeMksquashfs();
    CliRun r =
        run(
            "convert",
            "-i",
            tmp.resolve("no-such-image").toString(),
            "-o",
            tmp.resolve("o.sqfs").toString(),
            "--mksquashfs",
            fake.toString());
    assertEquals(1, r.code());
    assertTrue(r.err().startsWith("oci2squashfs: error: "), r.err());
    assertTrue(r.err().contains("no-such-image"), r.err());
    assertFalse(r.err().contains("\tat "), "no stack trace by default: " + r.err());
    assertFalse(Files.exists(tmp.resolve("o.sqfs")));
  }

  @Test
  void stacktraceOptionShowsIt() throws Exception {
    CliRun r =
        run(
            "convert",
            "-i",
            tmp.resolve("nope").toString(),
            "-o",
            tmp.resolve("o.sqfs").toString(),
            "--mksquashfs",
            fakeMksquashfs().toString(),
            "--stacktrace");
    assertEquals(1, r.code());
    assertTrue(r.err().contains("\tat "), r.err());
  }

  @Test
  void existingOutputIsNotReplacedWithoutForce() throws Exception {
    Path out = Files.writeString(tmp.resolve("o.sqfs"), "precious");
    CliRun r =
        run(
            "convert",
            "-i",
            tmp.toString(),
            "-o",
            out.toString(),
            "--mksquashfs",
            fakeMksquashfs().toString());
    assertEquals(1, r.code());
    assertTrue(r.err().contains("--force"), r.err());
    assertEquals("precious", Files.readString(out));
  }

  @Test
  void outputThatIsADirectoryOrInAMissingDirectoryIsRefused() throws Exception {
    CliRun dir =
        run(
            "convert",
            "-i",
            tmp.toString(),
            "-o",
            tmp.toString(),
            "--format",
            "squashfs",
            "--mksquashfs",
            fakeMksquashfs().toString());
    assertEquals(1, dir.code());
    assertTrue(dir.err().contains("is a directory"), dir.err());
    // without --format an existing directory means a directory output, which must be empty
    CliRun full =
        run(
            "convert",
            "-i",
            tmp.toString(),
            "-o",
            tmp.toString(),
            "--mksquashfs",
            fakeMksquashfs().toString());
    assertEquals(1, full.code());
    assertTrue(
        full.err().contains("not an empty directory") && full.err().contains("--force"),
        full.err());
    CliRun missing =
        run(
            "convert",
            "-i",
            tmp.toString(),
            "-o",
            tmp.resolve("no/dir/o.sqfs").toString(),
            "--mksquashfs",
            fakeMksquashfs().toString());
    assertEquals(1, missing.code());
    assertTrue(missing.err().contains("no/dir"), missing.err());
  }

  @Test
  void tooOldMksquashfsIsNamedWithTheFix() throws Exception {
    Path old = tmp.resolve("old-mksquashfs");
    Files.writeString(old, "#!/bin/sh\necho 'mksquashfs version 4.5.1 (2022/03/17)'\n");
    Files.setPosixFilePermissions(old, PosixFilePermissions.fromString("rwxr-xr-x"));
    CliRun r =
        run(
            "convert",
            "-i",
            tmp.toString(),
            "-o",
            tmp.resolve("o.sqfs").toString(),
            "--mksquashfs",
            old.toString());
    assertEquals(1, r.code());
    assertTrue(r.err().contains("4.5.1"), r.err());
    assertTrue(r.err().contains("hint: ") && r.err().contains("scripts/setup"), r.err());
  }

  private Path fakeMksquashfs() throws Exception {
    Path fake = tmp.resolve("fake-mksquashfs");
    Files.writeString(
        fake,
        "#!/bin/sh\n"
            + "[ \"$1\" = -version ] && echo 'mksquashfs version 4.6.1 (2023/03/25)' && exit 0\n"
            + "cat > \"$2\"\n");
    Files.setPosixFilePermissions(fake, PosixFilePermissions.fromString("rwxr-xr-x"));
    return fake;
  }
}
