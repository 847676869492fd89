package io.oci2squashfs.sink;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.oci2squashfs.tar.EntryPath;
import io.oci2squashfs.tar.EntryType;
import io.oci2squashfs.tar.Mtime;
import io.oci2squashfs.tar.TarFormatException;
import io.oci2squashfs.tar.TarHeader;
import io.oci2squashfs.tar.TarReader;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TarSinkTest {
  @TempDir Path tmp;

  private static final TarHeader ROOT =
      TarHeader.of(EntryPath.ROOT, EntryType.DIRECTORY)
          .withMode(0750)
          .withOwner(5, 6)
          .withMtime(Mtime.ofSeconds(1_600_000_000))
          .withXattrs(Map.of("user.root", new byte[] {1, 2}));
  private static final TarHeader DIR =
      TarHeader.of(EntryPath.of("etc"), EntryType.DIRECTORY)
          .withOwner(70_000_000, 3)
          .withMtime(new Mtime(1_700_000_000, 5));
  private static final TarHeader FILE =
      TarHeader.of(EntryPath.of("etc/motd"), EntryType.FILE)
          .asFile(5)
          .withMode(04755)
          .withXattrs(Map.of("security.capability", new byte[] {0, (byte) 0xff}));
  private static final TarHeader LINK =
      TarHeader.of(EntryPath.of("etc/motd2"), EntryType.FILE)
          .asHardLinkTo(EntryPath.of("etc/motd"));

  private static List<TarHeader> readBack(InputStream in, List<String> contents)
      throws IOException {
    TarReader r = new TarReader(in);
    List<TarHeader> headers = new ArrayList<>();
    for (TarHeader h = r.next(); h != null; h = r.next()) {
      headers.add(h);
      contents.add(new String(r.content().readAllBytes(), StandardCharsets.UTF_8));
    }
    return headers;
  }

  private static void writeAll(TarSink sink) throws IOException {
    sink.write(DIR, null);
    sink.write(FILE, new ByteArrayInputStream("hello".getBytes(StandardCharsets.UTF_8)));
    sink.write(LINK, null);
  }

  @Test
  void theTarHoldsTheRootFirstThenEveryEntryAsWritten() throws IOException {
    Path out = tmp.resolve("rootfs.tar");
    try (TarSink sink = TarSink.toFile(out, ROOT, null, false)) {
      writeAll(sink);
      sink.commit();
    }
    List<String> contents = new ArrayList<>();
    List<TarHeader> read;
    try (InputStream in = Files.newInputStream(out)) {
      read = readBack(in, contents);
    }
    assertEquals(List.of(ROOT, DIR, FILE, LINK), read);
    assertEquals("hello", contents.get(2));
    assertArrayEquals(new byte[] {0, (byte) 0xff}, read.get(2).xattrs().get("security.capability"));
    try (Stream<Path> files = Files.list(tmp)) {
      assertEquals(List.of(out), files.toList(), "no partial file beside it");
    }
  }

  @Test
  void theRootIsNamedDotSlashAsTarWritesIt() throws IOException {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    try (TarSink sink = TarSink.toStream(bytes, ROOT, null)) {
      sink.commit();
    }
    byte[] tar = bytes.toByteArray();
    // a PAX header (for the xattr) comes first; the root's own header follows it
    int header = 512 + 512;
    assertEquals("./", new String(tar, header, 2, StandardCharsets.US_ASCII));
    assertEquals(0, tar[header + 2]);
    assertEquals('5', tar[header + 156]);
  }

  @Test
  void allTimeGivesEveryEntryAndTheRootOneTime() throws IOException {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    try (TarSink sink = TarSink.toStream(bytes, ROOT, 1234L)) {
      writeAll(sink);
      sink.commit();
    }
    List<TarHeader> read =
        readBack(new ByteArrayInputStream(bytes.toByteArray()), new ArrayList<>());
    assertEquals(4, read.size());
    read.forEach(h -> assertEquals(Mtime.ofSeconds(1234), h.mtime(), h.toString()));
  }

  @Test
  void closingWithoutACommitLeavesNoFile() throws IOException {
    Path out = tmp.resolve("rootfs.tar");
    try (TarSink sink = TarSink.toFile(out, ROOT, null, false)) {
      writeAll(sink);
      assertTrue(sink.restartable());
    }
    try (Stream<Path> files = Files.list(tmp)) {
      assertEquals(List.of(), files.toList());
    }
  }

  @Test
  void anAbortedStreamReadsAsTruncatedAndCannotBeRestarted() throws IOException {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    try (TarSink sink = TarSink.toStream(bytes, ROOT, null)) {
      assertFalse(sink.restartable());
      sink.write(FILE, new ByteArrayInputStream("hel".getBytes(StandardCharsets.UTF_8)));
    } catch (IOException expected) {
      // the content was short: the sink is closed without a commit
    }
    TarReader r = new TarReader(new ByteArrayInputStream(bytes.toByteArray()));
    assertEquals(ROOT, r.next());
    assertThrows(
        TarFormatException.class,
        () -> {
          TarHeader h = r.next();
          r.content().readAllBytes();
          assertNull(r.next());
        });
  }

  @Test
  void anExistingFileIsReplacedOnlyWhenAllowed() throws IOException {
    Path out = Files.writeString(tmp.resolve("rootfs.tar"), "precious");
    try (TarSink sink = TarSink.toFile(out, ROOT, null, false)) {
      assertThrows(java.nio.file.FileAlreadyExistsException.class, sink::commit);
    }
    assertEquals("precious", Files.readString(out));
    try (TarSink sink = TarSink.toFile(out, ROOT, null, true)) {
      sink.commit();
    }
    assertTrue(Files.size(out) > 512);
  }
}
