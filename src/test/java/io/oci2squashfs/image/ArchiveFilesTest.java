package io.oci2squashfs.image;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Names, links and streams inside a tar archive, on tars written member by member. */
class ArchiveFilesTest {
  @TempDir Path dir;

  @Test
  void namesAreNormalisedOnBothSides() throws IOException {
    ArchiveFiles files = index(tar().file("./a//b/./c", "c").file("/abs", "abs"));

    assertEquals("a/b/c", files.resolve("./a/b//c", "w"));
    assertEquals("a/b/c", files.resolve("a/x/../b/c", "w"));
    assertTrue(files.isFile("a/b/c"));
    assertEquals("c", read(files, "a/b/c"));
    assertTrue(files.isFile(files.resolve("abs", "w")), "a leading / is dropped, as tar does");
  }

  @Test
  void membersNamedWithDotDotCannotBeReached() throws IOException {
    ArchiveFiles files = index(tar().file("../evil", "x").file("a/../../evil2", "y"));

    assertFalse(files.exists("evil"));
    assertFalse(files.exists("evil2"));
    assertEquals(
        "w: path \"../evil\" leads outside the archive",
        assertThrows(ImageFormatException.class, () -> files.resolve("../evil", "w")).getMessage());
  }

  @Test
  void theLastMemberOfANameWins() throws IOException {
    ArchiveFiles files = index(tar().file("f", "first").file("./f", "second, longer"));

    assertEquals("second, longer", read(files, "f"));
    assertEquals(14, files.size("f"));
  }

  @Test
  void symlinksAreFollowedRelativeToTheirDirectory() throws IOException {
    ArchiveFiles files =
        index(
            tar()
                .file("store/blob", "data")
                .symlink("id1/layer.tar", "../store/blob")
                .symlink("id2/layer.tar", "../id1/layer.tar")
                .symlink("linkdir", "store")
                .symlink("dot", "./store/../store/blob"));

    assertEquals("store/blob", files.resolve("id2/layer.tar", "w"));
    assertEquals("store/blob", files.resolve("linkdir/blob", "w"), "a link in the middle");
    assertEquals("store/blob", files.resolve("dot", "w"));
    assertEquals("data", read(files, files.resolve("id1/layer.tar", "w")));
  }

  @Test
  void hardLinksNameTheirTargetFromTheTop() throws IOException {
    ArchiveFiles files =
        index(
            tar()
                .file("id1/layer.tar", "layer")
                .hardlink("id2/layer.tar", "id1/layer.tar")
                .hardlink("id3/layer.tar", "./id2/layer.tar")
                .symlink("id4/layer.tar", "../id3/layer.tar"));

    assertEquals("id1/layer.tar", files.resolve("id3/layer.tar", "w"));
    assertEquals("id1/layer.tar", files.resolve("id4/layer.tar", "w"));
    assertEquals("layer", read(files, files.resolve("id4/layer.tar", "w")));
  }

  @Test
  void linksThatLeaveTheArchiveAreRejected() throws IOException {
    ArchiveFiles files =
        index(
            tar()
                .file("a/real", "x")
                .symlink("abs", "/etc/passwd")
                .symlink("a/up", "../../secret.tar")
                .symlink("a/updir", "..")
                .hardlink("hard", "../secret.tar"));

    assertEquals(
        "w: path \"abs\" leads outside the archive through the symlink abs ->" + " /etc/passwd",
        assertThrows(ImageFormatException.class, () -> files.resolve("abs", "w")).getMessage());
    assertEquals(
        "w: path \"a/up\" leads outside the archive through the symlink a/up ->"
            + " ../../secret.tar",
        assertThrows(ImageFormatException.class, () -> files.resolve("a/up", "w")).getMessage());
    assertEquals(
        "w: path \"a/updir/../x\" leads outside the archive through the symlink" + " a/updir -> ..",
        assertThrows(ImageFormatException.class, () -> files.resolve("a/updir/../x", "w"))
            .getMessage());
    assertEquals(
        "w: path \"hard\" leads outside the archive through the hard link hard ->"
            + " ../secret.tar",
        assertThrows(ImageFormatException.class, () -> files.resolve("hard", "w")).getMessage());
    assertEquals(
        "w: absolute path \"/etc/passwd\" not allowed",
        assertThrows(ImageFormatException.class, () -> files.resolve("/etc/passwd", "w"))
            .getMessage());
    assertEquals(
        "w: path \"../x\" leads outside the archive",
        assertThrows(ImageFormatException.class, () -> files.resolve("../x", "w")).getMessage());
  }

  @Test
  void linkLoopsEnd() throws IOException {
    ArchiveFiles files = index(tar().symlink("a", "b").symlink("b", "a").hardlink("h", "h"));

    assertEquals(
        "w: path \"a\": more than 40 links to follow (a loop?)",
        assertThrows(ImageFormatException.class, () -> files.resolve("a", "w")).getMessage());
    assertEquals(
        "w: path \"h\": more than 40 links to follow (a loop?)",
        assertThrows(ImageFormatException.class, () -> files.resolve("h", "w")).getMessage());
  }

  @Test
  void directoriesAndLinksToNothingAreNotFiles() throws IOException {
    ArchiveFiles files = index(tar().dir("d").symlink("dangling", "nowhere").file("f", "x"));

    assertTrue(files.exists("d"));
    assertFalse(files.isFile("d"));
    assertEquals("nowhere", files.resolve("dangling", "w"));
    assertFalse(files.isFile("nowhere"));
    assertEquals(
        "d: not a file in the archive",
        assertThrows(ImageFormatException.class, () -> files.open("d")).getMessage());
  }

  @Test
  void longNamesInEitherDialectAreRead() throws IOException {
    String longName = "d".repeat(120) + "/" + "f".repeat(150);
    for (int mode :
        new int[] {TarArchiveOutputStream.LONGFILE_POSIX, TarArchiveOutputStream.LONGFILE_GNU}) {
      Path file = dir.resolve("long" + mode + ".tar");
      new RawTar()
          .longFileMode(mode)
          .file("short", "s")
          .file(longName, "long content")
          .symlink("l".repeat(110), "./" + longName)
          .writeTo(file);
      ArchiveFiles files = ArchiveFiles.index(file);

      assertEquals("long content", read(files, files.resolve("l".repeat(110), "w")));
      assertEquals("s", read(files, "short"));
    }
  }

  @Test
  void aMemberReadsTheSameEveryTimeAndStopsAtItsEnd() throws IOException {
    byte[] big = new byte[300_000];
    for (int i = 0; i < big.length; i++) {
      big[i] = (byte) (i * 31);
    }
    Path file = dir.resolve("a.tar");
    new RawTar().file("before", "x").file("big", big).file("after", "y").writeTo(file);
    ArchiveFiles files = ArchiveFiles.index(file);

    for (int i = 0; i < 3; i++) {
      try (InputStream in = files.open("big")) {
        assertArrayEquals(big, in.readAllBytes());
        assertEquals(-1, in.read());
      }
    }
    try (InputStream in = files.open("big")) {
      assertEquals(big[0] & 0xff, in.read());
      long skipped = in.skip(1000);
      assertTrue(skipped > 0 && skipped <= 1000, "skipped " + skipped);
      assertEquals(big[1 + (int) skipped] & 0xff, in.read());
    }
  }

  @Test
  void aShortenedArchiveIsAnErrorNotAShortMember() throws IOException {
    byte[] big = new byte[100_000];
    Path file = dir.resolve("a.tar");
    new RawTar().file("big", big).writeTo(file);
    ArchiveFiles files = ArchiveFiles.index(file);
    try (var ch =
        java.nio.channels.FileChannel.open(file, java.nio.file.StandardOpenOption.WRITE)) {
      ch.truncate(50_000);
    }

    IOException e = assertThrows(IOException.class, () -> files.open("big"));
    assertEquals(
        "big: the archive is shorter than when it was indexed; it changed while being" + " read",
        e.getMessage());
    IOException viaLayer = assertThrows(IOException.class, () -> files.opener("big").open());
    assertEquals(file + ": " + e.getMessage(), viaLayer.getMessage());
  }

  @Test
  void compressedAndNonTarFilesAreNamed() throws IOException {
    Path text = Files.writeString(dir.resolve("text"), "hello, not a tar\n");
    assertEquals(
        text + " is not a tar archive, or an empty one",
        assertThrows(ImageFormatException.class, () -> ArchiveFiles.index(text)).getMessage());

    byte[] noise = new byte[4096];
    new java.util.Random(1).nextBytes(noise);
    noise[0] = 'x';
    Path junk = Files.write(dir.resolve("junk"), noise);
    String m =
        assertThrows(ImageFormatException.class, () -> ArchiveFiles.index(junk)).getMessage();
    assertTrue(m.startsWith(junk + " is not a tar archive, or a damaged one ("), m);

    Path gz = Files.write(dir.resolve("x.tar.gz"), new byte[] {0x1f, (byte) 0x8b, 8, 0, 0, 0});
    assertEquals(
        gz
            + " is gzip-compressed; compressed archives must be decompressed first, as"
            + " only a plain tar is read in place",
        assertThrows(ImageFormatException.class, () -> ArchiveFiles.index(gz)).getMessage());
    Path zst =
        Files.write(
            dir.resolve("x.tar.zst"), new byte[] {0x28, (byte) 0xb5, 0x2f, (byte) 0xfd, 0, 0});
    assertTrue(
        assertThrows(ImageFormatException.class, () -> ArchiveFiles.index(zst))
            .getMessage()
            .startsWith(zst + " is zstd-compressed;"));

    Path empty = Files.write(dir.resolve("empty.tar"), new byte[1024]);
    assertEquals(
        empty + " is not a tar archive, or an empty one",
        assertThrows(ImageFormatException.class, () -> ArchiveFiles.index(empty)).getMessage());
  }

  @Test
  void aTruncatedArchiveIsNamedWhenIndexed() throws IOException {
    Path file = dir.resolve("a.tar");
    new RawTar().file("a", new byte[10_000]).file("b", "b").writeTo(file);
    try (var ch =
        java.nio.channels.FileChannel.open(file, java.nio.file.StandardOpenOption.WRITE)) {
      ch.truncate(5_000);
    }

    assertEquals(
        file + " is not a tar archive, or a damaged one (Truncated TAR archive)",
        assertThrows(ImageFormatException.class, () -> ArchiveFiles.index(file)).getMessage());
  }

  @Test
  void memberNames() {
    assertEquals("a/b", ArchiveFiles.memberName("./a//b/"));
    assertEquals("a", ArchiveFiles.memberName("/a"));
    assertNull(ArchiveFiles.memberName("./"));
    assertNull(ArchiveFiles.memberName("a/../b"));
  }

  // --- helpers --------------------------------------------------------------------------------

  private RawTar tar() {
    return new RawTar();
  }

  private ArchiveFiles index(RawTar tar) throws IOException {
    Path file = dir.resolve("t" + System.nanoTime() + ".tar");
    tar.writeTo(file);
    return ArchiveFiles.index(file);
  }

  private static String read(ImageFiles files, String name) throws IOException {
    try (InputStream in = files.open(name)) {
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    }
  }

  /** Writes members exactly as given, in order, duplicates and odd names included. */
  private static final class RawTar {
    private final java.util.List<TarArchiveEntry> entries = new java.util.ArrayList<>();
    private final java.util.List<byte[]> data = new java.util.ArrayList<>();
    private int longFileMode = TarArchiveOutputStream.LONGFILE_POSIX;

    RawTar longFileMode(int mode) {
      longFileMode = mode;
      return this;
    }

    RawTar file(String name, String content) {
      return file(name, content.getBytes(StandardCharsets.UTF_8));
    }

    RawTar file(String name, byte[] content) {
      TarArchiveEntry e = new TarArchiveEntry(name, TarArchiveEntry.LF_NORMAL, true);
      e.setSize(content.length);
      return add(e, content);
    }

    RawTar dir(String name) {
      return add(new TarArchiveEntry(name + "/", TarArchiveEntry.LF_DIR, true), new byte[0]);
    }

    RawTar symlink(String name, String target) {
      TarArchiveEntry e = new TarArchiveEntry(name, TarArchiveEntry.LF_SYMLINK, true);
      e.setLinkName(target);
      return add(e, new byte[0]);
    }

    RawTar hardlink(String name, String target) {
      TarArchiveEntry e = new TarArchiveEntry(name, TarArchiveEntry.LF_LINK, true);
      e.setLinkName(target);
      return add(e, new byte[0]);
    }

    private RawTar add(TarArchiveEntry e, byte[] content) {
      entries.add(e);
      data.add(content);
      return this;
    }

    void writeTo(Path file) throws IOException {
      try (OutputStream out = Files.newOutputStream(file);
          TarArchiveOutputStream tar = new TarArchiveOutputStream(out)) {
        tar.setLongFileMode(longFileMode);
        for (int i = 0; i < entries.size(); i++) {
          tar.putArchiveEntry(entries.get(i));
          tar.write(data.get(i));
          tar.closeArchiveEntry();
        }
        tar.finish();
      }
    }
  }
}
