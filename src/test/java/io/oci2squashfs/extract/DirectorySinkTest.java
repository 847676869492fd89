package io.oci2squashfs.extract;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.oci2squashfs.tar.EntryPath;
import io.oci2squashfs.tar.EntryType;
import io.oci2squashfs.tar.InvalidEntryPathException;
import io.oci2squashfs.tar.Mtime;
import io.oci2squashfs.tar.TarHeader;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.UserDefinedFileAttributeView;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DirectorySinkTest {
  private static final LinkOption NOFOLLOW = LinkOption.NOFOLLOW_LINKS;
  private static final TarHeader ROOT =
      TarHeader.of(EntryPath.ROOT, EntryType.DIRECTORY)
          .withMode(0751)
          .withMtime(Mtime.ofSeconds(1_500_000_000));

  @TempDir Path tmp;
  private Path target;

  /** What a hostile image aims at: it must stay exactly as it is. */
  private Path victim;

  @BeforeEach
  void setUp() throws IOException {
    target = tmp.resolve("rootfs");
    victim = Files.createDirectory(tmp.resolve("victim"));
    Files.writeString(victim.resolve("passwd"), "root:x:0:0");
  }

  private static TarHeader dir(String path) {
    return TarHeader.of(EntryPath.of(path), EntryType.DIRECTORY);
  }

  private static TarHeader file(String path, int size) {
    return TarHeader.of(EntryPath.of(path), EntryType.FILE).asFile(size);
  }

  private static TarHeader symlink(String path, String to) {
    return TarHeader.of(EntryPath.of(path), EntryType.SYMLINK).withSymlinkTarget(to);
  }

  private static ByteArrayInputStream bytes(String s) {
    return new ByteArrayInputStream(s.getBytes(StandardCharsets.UTF_8));
  }

  private void assertVictimUntouched() throws IOException {
    try (Stream<Path> files = Files.list(victim)) {
      assertEquals(List.of(victim.resolve("passwd")), files.toList());
    }
    assertEquals("root:x:0:0", Files.readString(victim.resolve("passwd")));
    assertEquals(
        1, ((Number) Files.getAttribute(victim.resolve("passwd"), "unix:nlink")).intValue());
  }

  /** Nothing but the victim is left beside the target: no target, no partial directory. */
  private void assertNothingLeft() throws IOException {
    try (Stream<Path> files = Files.list(tmp)) {
      assertEquals(List.of(victim), files.toList());
    }
  }

  @Test
  void aFileBelowASymlinkToAnAbsoluteDirectoryIsRefused() throws IOException {
    try (DirectorySink sink = DirectorySink.start(target, ROOT, null, false)) {
      sink.write(symlink("evil", victim.toString()), null);
      UnsafeEntryException e =
          assertThrows(
              UnsafeEntryException.class, () -> sink.write(file("evil/passwd", 4), bytes("pwnd")));
      assertTrue(
          e.getMessage().contains("evil/passwd") && e.getMessage().contains("symlink"),
          e.getMessage());
    }
    assertVictimUntouched();
    assertNothingLeft();
  }

  @Test
  void aDirectoryBelowARelativeSymlinkUpwardsIsRefused() throws IOException {
    try (DirectorySink sink = DirectorySink.start(target, ROOT, null, false)) {
      sink.write(symlink("up", "../victim"), null);
      assertThrows(UnsafeEntryException.class, () -> sink.write(dir("up/new"), null));
      assertThrows(UnsafeEntryException.class, () -> sink.write(file("up/passwd", 1), bytes("x")));
    }
    assertVictimUntouched();
    assertNothingLeft();
  }

  @Test
  void aSymlinkIsNeverWrittenThrough() throws IOException {
    try (DirectorySink sink = DirectorySink.start(target, ROOT, null, false)) {
      sink.write(symlink("passwd", victim.resolve("passwd").toString()), null);
      // the same path again, as a file: it would be written through the link if opened plainly
      assertThrows(UnsafeEntryException.class, () -> sink.write(file("passwd", 4), bytes("pwnd")));
    }
    assertVictimUntouched();
  }

  @Test
  void aHardLinkReachesOnlyEntriesExtractedBeforeIt() throws IOException {
    try (DirectorySink sink = DirectorySink.start(target, ROOT, null, false)) {
      sink.write(symlink("evil", victim.toString()), null);
      TarHeader throughLink =
          TarHeader.of(EntryPath.of("h1"), EntryType.FILE)
              .asHardLinkTo(EntryPath.of("evil/passwd"));
      assertThrows(UnsafeEntryException.class, () -> sink.write(throughLink, null));
      TarHeader missing =
          TarHeader.of(EntryPath.of("h2"), EntryType.FILE).asHardLinkTo(EntryPath.of("nothing"));
      assertThrows(UnsafeEntryException.class, () -> sink.write(missing, null));
      // a link to the symlink itself is a second name for the symlink, not for what it points at
      sink.write(
          TarHeader.of(EntryPath.of("h3"), EntryType.FILE).asHardLinkTo(EntryPath.of("evil")),
          null);
      sink.commit();
    }
    assertTrue(Files.isSymbolicLink(target.resolve("h3")));
    assertVictimUntouched();
  }

  @Test
  void dotDotNeverReachesTheExtractor() {
    // paths are EntryPaths, which refuse '..' when they are read from a layer
    assertThrows(InvalidEntryPathException.class, () -> EntryPath.of("../../x"));
    assertThrows(InvalidEntryPathException.class, () -> EntryPath.of("a/../../x"));
  }

  @Test
  void aFailedExtractionLeavesNothingAndAnExistingTargetAlone() throws IOException {
    Files.createDirectory(target);
    Files.writeString(target.resolve("keep"), "mine");
    try (DirectorySink sink = DirectorySink.start(target, ROOT, null, false)) {
      sink.write(file("a", 3), bytes("abc"));
      assertThrows(FileAlreadyExistsException.class, sink::commit);
    }
    assertEquals("mine", Files.readString(target.resolve("keep")));
    try (Stream<Path> files = Files.list(tmp)) {
      assertEquals(2, files.count(), "the target and the victim, no partial directory");
    }
  }

  @Test
  void forceReplacesANonEmptyTargetWithoutFollowingItsSymlinks() throws IOException {
    Files.createDirectory(target);
    Files.createSymbolicLink(target.resolve("out"), victim);
    try (DirectorySink sink = DirectorySink.start(target, ROOT, null, true)) {
      sink.write(file("a", 3), bytes("abc"));
      sink.commit();
    }
    assertEquals("abc", Files.readString(target.resolve("a")));
    assertFalse(Files.exists(target.resolve("out"), NOFOLLOW));
    assertVictimUntouched();
    try (Stream<Path> files = Files.list(tmp)) {
      assertEquals(2, files.count(), "the old tree is gone");
    }
  }

  @Test
  void modesTimesLinksAndXattrsAreKept() throws IOException {
    Mtime t = new Mtime(1_600_000_000, 123_000_000);
    try (DirectorySink sink = DirectorySink.start(target, ROOT, null, false)) {
      sink.write(
          file("ro/sub/tool", 5)
              .withMode(04755)
              .withMtime(t)
              .withXattrs(Map.of("user.note", new byte[] {0, 1, (byte) 0xff})),
          bytes("hello"));
      // the directory's entry comes after its children, and makes it read-only: set last
      sink.write(dir("ro").withMode(0555).withMtime(Mtime.ofSeconds(1_400_000_000)), null);
      sink.write(
          TarHeader.of(EntryPath.of("ro2"), EntryType.FILE)
              .asHardLinkTo(EntryPath.of("ro/sub/tool")),
          null);
      sink.write(symlink("abs", "/etc//passwd/").withMtime(Mtime.ofSeconds(1_300_000_000)), null);
      sink.write(
          TarHeader.of(EntryPath.of("pipe"), EntryType.FIFO)
              .withMode(0640)
              .withMtime(Mtime.ofSeconds(1_200_000_000)),
          null);
      sink.commit();
      assertEquals(List.of(), sink.warnings().stream().filter(w -> !w.contains("owners")).toList());
    }
    Path tool = target.resolve("ro/sub/tool");
    assertEquals("hello", Files.readString(tool));
    assertEquals(04755, ((Integer) Files.getAttribute(tool, "unix:mode", NOFOLLOW)) & 07777);
    assertEquals(t.seconds() * 1000 + 123, Files.getLastModifiedTime(tool).toMillis());
    UserDefinedFileAttributeView user =
        Files.getFileAttributeView(tool, UserDefinedFileAttributeView.class);
    ByteBuffer note = ByteBuffer.allocate(16);
    user.read("note", note);
    assertArrayEquals(
        new byte[] {0, 1, (byte) 0xff}, java.util.Arrays.copyOf(note.array(), note.position()));
    assertEquals(0555, ((Integer) Files.getAttribute(target.resolve("ro"), "unix:mode")) & 07777);
    assertEquals(1_400_000_000_000L, Files.getLastModifiedTime(target.resolve("ro")).toMillis());
    assertEquals(
        Files.getAttribute(tool, "unix:ino"),
        Files.getAttribute(target.resolve("ro2"), "unix:ino"));
    assertEquals(
        "/etc//passwd/",
        readLinkRaw(target.resolve("abs")),
        "the target byte for byte, not folded");
    assertEquals(
        1_300_000_000_000L, Files.getLastModifiedTime(target.resolve("abs"), NOFOLLOW).toMillis());
    assertTrue(
        Files.readAttributes(
                target.resolve("pipe"), java.nio.file.attribute.BasicFileAttributes.class, NOFOLLOW)
            .isOther());
    assertEquals(
        0010000,
        ((Integer) Files.getAttribute(target.resolve("pipe"), "unix:mode", NOFOLLOW)) & 0170000);
    assertEquals(
        0640,
        ((Integer) Files.getAttribute(target.resolve("pipe"), "unix:mode", NOFOLLOW)) & 07777);
    assertEquals(
        1_200_000_000_000L, Files.getLastModifiedTime(target.resolve("pipe"), NOFOLLOW).toMillis());
    assertEquals(0751, ((Integer) Files.getAttribute(target, "unix:mode")) & 07777);
    assertEquals(1_500_000_000_000L, Files.getLastModifiedTime(target).toMillis());
  }

  /** The JVM folds a link target into a Path; readlink does not. */
  private static String readLinkRaw(Path link) throws IOException {
    return io.oci2squashfs.exec.Commands.run(List.of("readlink", link.toString()), 30)
        .stdout()
        .strip();
  }

  @Test
  void asRootOwnersDevicesAndOtherXattrsAreKept() throws IOException {
    org.junit.jupiter.api.Assumptions.assumeTrue(
        "root".equals(System.getProperty("user.name")), "needs root");
    byte[] cap = java.util.HexFormat.of().parseHex("0100000200200000000000000000000000000000");
    try (DirectorySink sink = DirectorySink.start(target, ROOT.withOwner(3, 4), null, false)) {
      sink.write(
          file("bin/ping", 2)
              .withOwner(1000, 1001)
              .withMode(0755)
              .withXattrs(Map.of("security.capability", cap, "trusted.x", new byte[] {7})),
          bytes("hi"));
      sink.write(dir("bin").withOwner(5, 6), null);
      sink.write(
          TarHeader.of(EntryPath.of("null"), EntryType.FILE)
              .withDevice(EntryType.CHAR_DEVICE, 1, 3)
              .withMode(0666),
          null);
      sink.write(symlink("link", "bin/ping").withOwner(7, 8), null);
      sink.commit();
      assertEquals(List.of(), sink.warnings());
    }
    Path ping = target.resolve("bin/ping");
    assertEquals(1000, Files.getAttribute(ping, "unix:uid"));
    assertEquals(1001, Files.getAttribute(ping, "unix:gid"));
    assertEquals(5, Files.getAttribute(target.resolve("bin"), "unix:uid"));
    assertEquals(3, Files.getAttribute(target, "unix:uid"));
    assertEquals(7, Files.getAttribute(target.resolve("link"), "unix:uid", NOFOLLOW));
    assertEquals(
        0x0103L,
        ((Number) Files.getAttribute(target.resolve("null"), "unix:rdev", NOFOLLOW)).longValue());
    String xattrs =
        io.oci2squashfs.exec.Commands.run(
                List.of("/usr/bin/getfattr", "-d", "-m", "-", "-e", "hex", ping.toString()), 30)
            .stdout();
    assertTrue(
        xattrs.contains("security.capability=0x0100000200200000000000000000000000000000"), xattrs);
    assertTrue(xattrs.contains("trusted.x=0x07"), xattrs);
  }

  @Test
  void withoutRootWhatCannotBeKeptIsSaidOncePerKind() throws IOException {
    org.junit.jupiter.api.Assumptions.assumeFalse(
        "root".equals(System.getProperty("user.name")), "needs a non-root user");
    try (DirectorySink sink = DirectorySink.start(target, ROOT, null, false)) {
      sink.write(file("a", 0).withOwner(12345, 12345), bytes(""));
      sink.write(file("b", 0).withOwner(12345, 12345), bytes(""));
      sink.commit();
      assertEquals(1, sink.warnings().size(), sink.warnings().toString());
      assertTrue(
          sink.warnings().get(0).contains("owners")
              && sink.warnings().get(0).contains("2 entries"));
    }
  }
}
