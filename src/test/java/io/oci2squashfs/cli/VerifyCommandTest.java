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
          "extract",
          "erofsfuse",
          "--verity-data",
          "--root-hash",
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
    CliRun hash = run("verify", "-s", "x", "-r", "y", "--root-hash", "abc");
    assertEquals(2, hash.code());
    assertTrue(hash.err().contains("64 hex digits"), hash.err());
  }

  /** A squashfs superblock of {@code blocks} 4096-byte blocks, random data after it. */
  Path fakeSquashfs(String name, int blocks) throws Exception {
    byte[] b = new byte[blocks * 4096];
    new java.util.Random(7).nextBytes(b);
    java.nio.ByteBuffer h = java.nio.ByteBuffer.wrap(b).order(java.nio.ByteOrder.LITTLE_ENDIAN);
    h.put(0, "hsqs".getBytes(java.nio.charset.StandardCharsets.US_ASCII));
    h.putLong(40, blocks * 4096L);
    return Files.write(tmp.resolve(name), b);
  }

  @Test
  void notAnImageFailsNamingIt() throws Exception {
    Path junk = Files.writeString(tmp.resolve("junk.img"), "x".repeat(5000));
    CliRun r = run("verify", "-s", junk.toString(), "-r", tmp.toString());
    assertEquals(1, r.code());
    assertEquals(1, r.err().lines().count(), r.err());
    assertTrue(r.err().contains(junk + ": not a squashfs or erofs image"), r.err());
  }

  @Test
  void rootHashWithoutATreeIsAUsageError() throws Exception {
    Path img = fakeSquashfs("x.squashfs", 3);
    CliRun r =
        run("verify", "-s", img.toString(), "-r", tmp.toString(), "--root-hash", "ab".repeat(32));
    assertEquals(2, r.code());
    assertTrue(r.err().contains("no dm-verity tree"), r.err());
  }

  @Test
  void aBadBlockExitsThreeBeforeAnythingIsRead() throws Exception {
    Path img = fakeSquashfs("x.squashfs", 40);
    io.oci2squashfs.verity.VerityResult v =
        io.oci2squashfs.verity.VerityWriter.append(
            img, io.oci2squashfs.verity.VerityParameters.fromSeed("cli"));
    try (java.nio.channels.FileChannel ch =
        java.nio.channels.FileChannel.open(img, java.nio.file.StandardOpenOption.WRITE)) {
      ch.write(java.nio.ByteBuffer.wrap(new byte[] {0x55}), 5 * 4096 + 3);
    }
    // the reference does not exist as an image would need: nothing after the check is run
    CliRun r =
        run("verify", "-s", img.toString(), "-r", tmp.toString(), "--root-hash", v.rootHashHex());
    assertEquals(3, r.code(), r.err());
    assertTrue(
        r.out().contains("verity: FAILED: " + img + ": data block 5 at byte 20480"), r.out());
    CliRun json =
        run(
            "verify",
            "-s",
            img.toString(),
            "-r",
            tmp.toString(),
            "--root-hash",
            "00".repeat(32),
            "--json");
    assertEquals(3, json.code(), json.err());
    assertTrue(json.out().contains("\"kind\" : \"hash\""), json.out());
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
