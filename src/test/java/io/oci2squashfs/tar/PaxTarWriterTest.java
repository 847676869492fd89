package io.oci2squashfs.tar;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveInputStream;
import org.junit.jupiter.api.Test;

class PaxTarWriterTest {
  private static final String LONG_DIR = "d".repeat(150) + "/" + "e".repeat(30);
  private static final String LONG_FILE = LONG_DIR + "/" + "f".repeat(80);

  private static final Mtime T = Mtime.ofSeconds(1_600_000_000L);

  private static TarHeader file(String path, long size) {
    return new TarHeader(
        EntryPath.ofUtf8(path), EntryType.FILE, 0644, 0, 0, size, T, null, null, 0, 0, null);
  }

  private static TarHeader dir(String path) {
    return new TarHeader(
        EntryPath.ofUtf8(path), EntryType.DIRECTORY, 0755, 0, 0, 0, T, null, null, 0, 0, null);
  }

  /** Headers and contents of a varied archive; the contents of non-files are null. */
  private static Map<TarHeader, byte[]> sample() {
    Map<TarHeader, byte[]> m = new LinkedHashMap<>();
    m.put(dir("usr").withMode(01777).withOwner(5, 6), null);
    m.put(file("usr/hello", 6).withMode(04755), "hello\n".getBytes(StandardCharsets.UTF_8));
    m.put(dir(LONG_DIR), null);
    byte[] big = new byte[70_000];
    Arrays.fill(big, (byte) 'z');
    m.put(file(LONG_FILE, big.length), big);
    m.put(file("owned", 0).withOwner(3_000_000_000L, 2_097_152L), new byte[0]);
    m.put(file("frac", 0).withMtime(new Mtime(1_600_000_000L, 500_000_000)), new byte[0]);
    m.put(file("before-epoch", 0).withMtime(Mtime.ofSeconds(-100)), new byte[0]);
    m.put(file("far-future", 0).withMtime(Mtime.ofSeconds(1L << 34)), new byte[0]);
    m.put(
        TarHeader.of(EntryPath.of("link"), EntryType.FILE)
            .withSymlinkTarget("../" + "t".repeat(150)),
        null);
    m.put(TarHeader.of(EntryPath.of("rel"), EntryType.FILE).withSymlinkTarget("./a//b/"), null);
    m.put(file("hard", 0).asHardLinkTo(EntryPath.ofUtf8(LONG_FILE)), null);
    m.put(file("dev/null", 0).withDevice(EntryType.CHAR_DEVICE, 1, 3).withMode(0666), null);
    m.put(file("dev/sda", 0).withDevice(EntryType.BLOCK_DEVICE, 8, 1048575), null);
    m.put(TarHeader.of(EntryPath.of("fifo"), EntryType.FIFO), null);
    m.put(
        file("xattrs", 0)
            .withXattrs(
                Map.of("security.capability", allBytes(), "user.empty-ish", new byte[] {0})),
        new byte[0]);
    m.put(
        new TarHeader(
            EntryPath.of(
                new String(
                    new byte[] {'n', (byte) 0xff, (byte) 0xc3}, StandardCharsets.ISO_8859_1)),
            EntryType.FILE,
            0600,
            0,
            0,
            0,
            T,
            null,
            null,
            0,
            0,
            null),
        new byte[0]);
    return m;
  }

  private static byte[] allBytes() {
    byte[] b = new byte[256];
    for (int i = 0; i < 256; i++) {
      b[i] = (byte) i;
    }
    return b;
  }

  private static byte[] write(Map<TarHeader, byte[]> entries) throws IOException {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    PaxTarWriter w = new PaxTarWriter(out);
    for (Map.Entry<TarHeader, byte[]> e : entries.entrySet()) {
      w.write(e.getKey(), e.getValue() == null ? null : new ByteArrayInputStream(e.getValue()));
    }
    w.finish();
    assertEquals(out.size(), w.bytesWritten());
    return out.toByteArray();
  }

  @Test
  void roundTripsThroughOurReader() throws IOException {
    Map<TarHeader, byte[]> entries = sample();
    byte[] tar = write(entries);
    assertEquals(0, tar.length % 512);
    TarReader reader = new TarReader(new ByteArrayInputStream(tar));
    for (Map.Entry<TarHeader, byte[]> e : entries.entrySet()) {
      TarHeader h = reader.next();
      assertEquals(e.getKey(), h);
      byte[] content = reader.content().readAllBytes();
      assertArrayEquals(e.getValue() == null ? new byte[0] : e.getValue(), content, h.toString());
    }
    assertNull(reader.next());
  }

  @Test
  void roundTripsThroughCommonsCompress() throws IOException {
    Map<TarHeader, byte[]> entries = sample();
    byte[] tar = write(entries);
    List<TarArchiveEntry> read = new ArrayList<>();
    List<byte[]> contents = new ArrayList<>();
    try (TarArchiveInputStream in =
        new TarArchiveInputStream(new ByteArrayInputStream(tar), "ISO-8859-1")) {
      for (TarArchiveEntry e = in.getNextEntry(); e != null; e = in.getNextEntry()) {
        read.add(e);
        contents.add(in.readAllBytes());
      }
    }
    assertEquals(entries.size(), read.size());
    int i = 0;
    for (Map.Entry<TarHeader, byte[]> e : entries.entrySet()) {
      TarHeader h = e.getKey();
      TarArchiveEntry c = read.get(i);
      byte[] content = contents.get(i++);
      String expectedName = h.path().raw() + (h.type() == EntryType.DIRECTORY ? "/" : "");
      if (h.path().raw().chars().allMatch(ch -> ch < 0x80)) {
        assertEquals(expectedName, c.getName());
      }
      assertEquals(h.mode(), c.getMode() & 07777, c.getName());
      assertEquals(h.uid(), c.getLongUserId(), c.getName());
      assertEquals(h.gid(), c.getLongGroupId(), c.getName());
      assertEquals("", c.getUserName());
      assertEquals("", c.getGroupName());
      assertEquals(h.type() == EntryType.DIRECTORY, c.isDirectory(), c.getName());
      assertEquals(h.type().typeFlag(), (char) c.getLinkFlag(), c.getName());
      assertEquals(
          h.mtime().seconds() * 1000 + h.mtime().nanos() / 1_000_000,
          c.getLastModifiedTime().toMillis(),
          c.getName());
      if (h.type() == EntryType.FILE) {
        assertArrayEquals(e.getValue(), content, c.getName());
      }
      if (h.type() == EntryType.SYMLINK) {
        assertEquals(h.symlinkTarget(), c.getLinkName());
      }
      if (h.type() == EntryType.HARDLINK) {
        assertEquals(h.hardLinkTarget().raw(), c.getLinkName());
      }
      if (h.type().isDevice()) {
        assertEquals(h.devMajor(), c.getDevMajor());
        assertEquals(h.devMinor(), c.getDevMinor());
      }
    }
  }

  /** The header blocks of a tar, with their PAX data where present, parsed by hand. */
  private record Block(byte[] header, byte[] data) {
    String field(int off, int len) {
      int end = off;
      while (end < off + len && header[end] != 0) {
        end++;
      }
      return new String(header, off, end - off, StandardCharsets.ISO_8859_1);
    }

    char type() {
      return (char) header[156];
    }
  }

  private static List<Block> blocks(byte[] tar) {
    List<Block> out = new ArrayList<>();
    int p = 0;
    while (p + 512 <= tar.length) {
      byte[] h = Arrays.copyOfRange(tar, p, p + 512);
      p += 512;
      if (Arrays.equals(h, new byte[512])) {
        break;
      }
      Block b = new Block(h, null);
      long size = Long.parseLong(b.field(124, 12).trim(), 8);
      char t = b.type();
      boolean hasData = t == '0' || t == 'x';
      byte[] data = hasData ? Arrays.copyOfRange(tar, p, p + (int) size) : null;
      if (hasData) {
        p += (int) ((size + 511) / 512 * 512);
      }
      out.add(new Block(h, data));
    }
    return out;
  }

  @Test
  void headersAreUstarWithEmptyPrefixOwnerNamesAndValidChecksums() throws IOException {
    for (Block b : blocks(write(sample()))) {
      assertEquals("ustar", b.field(257, 6));
      assertEquals(0, b.header()[262]);
      assertEquals("00", new String(b.header(), 263, 2, StandardCharsets.ISO_8859_1));
      assertEquals("", b.field(265, 32), "uname");
      assertEquals("", b.field(297, 32), "gname");
      assertTrue(
          Arrays.equals(new byte[155], Arrays.copyOfRange(b.header(), 345, 500)),
          "prefix is empty");
      byte[] h = b.header().clone();
      Arrays.fill(h, 148, 156, (byte) ' ');
      long sum = 0;
      for (byte x : h) {
        sum += x & 0xff;
      }
      assertEquals(sum, Long.parseLong(b.field(148, 8).trim(), 8));
      String name = b.field(0, 100);
      assertFalse(name.isEmpty() || name.equals(".") || name.equals("./"));
      if (b.type() == '5') {
        assertTrue(name.endsWith("/"), "directory name ends in '/': " + name);
      } else {
        assertFalse(name.endsWith("/"), "non-directory name never ends in '/': " + name);
      }
    }
  }

  private static String paxText(Block b) {
    return new String(b.data(), StandardCharsets.ISO_8859_1);
  }

  @Test
  void paxRecordsAreWrittenOnlyWhereNeededAndExactly() throws IOException {
    List<Block> blocks = blocks(write(sample()));
    List<String> pax = new ArrayList<>();
    for (Block b : blocks) {
      if (b.type() == 'x') {
        assertTrue(b.field(0, 100).startsWith("PaxHeaders/"));
        pax.add(paxText(b));
      }
    }
    assertTrue(pax.contains("192 path=" + LONG_DIR + "/\n"), pax.toString());
    assertTrue(pax.contains("272 path=" + LONG_FILE + "\n"), pax.toString());
    assertTrue(pax.contains("18 uid=3000000000\n15 gid=2097152\n"), pax.toString());
    assertTrue(pax.contains("22 mtime=1600000000.5\n"), pax.toString());
    assertTrue(pax.contains("16 mtime=-100.0\n"), pax.toString());
    assertTrue(pax.contains("23 mtime=17179869184.0\n"), pax.toString());
    assertTrue(pax.contains("167 linkpath=../" + "t".repeat(150) + "\n"), pax.toString());
    assertTrue(pax.contains("276 linkpath=" + LONG_FILE + "\n"), pax.toString());
    for (String p : pax) {
      if (p.contains("mtime=")) {
        assertTrue(
            p.substring(p.indexOf("mtime=")).split("\n")[0].contains("."),
            "mksquashfs needs a '.': " + p);
      }
    }
    // 9 PAX headers: long dir, long file, owner, 3 mtimes, long symlink, long hard link, xattrs.
    assertEquals(9, pax.size(), pax.toString());
  }

  @Test
  void binaryXattrRecordBytesAreExact() throws IOException {
    byte[] tar =
        write(
            Map.of(
                file("x", 0).withXattrs(Map.of("security.capability", allBytes())), new byte[0]));
    Block paxBlock = blocks(tar).get(0);
    assertEquals('x', paxBlock.type());
    ByteArrayOutputStream expected = new ByteArrayOutputStream();
    expected.writeBytes(
        "294 SCHILY.xattr.security.capability=".getBytes(StandardCharsets.US_ASCII));
    expected.writeBytes(allBytes());
    expected.write('\n');
    assertArrayEquals(expected.toByteArray(), paxBlock.data());
    assertEquals(294, paxBlock.data().length);
  }

  @Test
  void shortNamesTruncationAndTheHundredByteEdge() throws IOException {
    String hundred = "a".repeat(100);
    String fileEndingInSlashWhenCut = "b".repeat(99) + "/" + "c".repeat(20);
    Map<TarHeader, byte[]> m = new LinkedHashMap<>();
    m.put(file(hundred, 0), new byte[0]);
    m.put(dir(hundred), null);
    m.put(dir("b".repeat(99)), null);
    m.put(file(fileEndingInSlashWhenCut, 0), new byte[0]);
    List<Block> blocks = blocks(write(m));
    assertEquals(hundred, blocks.get(0).field(0, 100), "100 bytes fit without PAX");
    assertEquals('x', blocks.get(1).type(), "a 100-byte directory needs 101 with its slash");
    assertEquals("a".repeat(99) + "/", blocks.get(2).field(0, 100));
    assertEquals("b".repeat(99) + "/", blocks.get(3).field(0, 100));
    assertEquals('x', blocks.get(4).type());
    assertEquals("b".repeat(99), blocks.get(5).field(0, 100));
    TarReader reader = new TarReader(new ByteArrayInputStream(write(m)));
    for (TarHeader h : m.keySet()) {
      assertEquals(h, reader.next());
    }
  }

  @Test
  void devicesUseTheUstarFields() throws IOException {
    List<Block> blocks =
        blocks(write(Map.of(file("c", 0).withDevice(EntryType.CHAR_DEVICE, 136, 7), new byte[0])));
    assertEquals(1, blocks.size());
    assertEquals('3', blocks.get(0).type());
    assertEquals("0000210", blocks.get(0).field(329, 8));
    assertEquals("0000007", blocks.get(0).field(337, 8));
    assertEquals("00000000000", blocks.get(0).field(124, 12));
  }

  @Test
  void rootIsRefused() {
    PaxTarWriter w = new PaxTarWriter(new ByteArrayOutputStream());
    assertThrows(
        IllegalArgumentException.class,
        () -> w.write(TarHeader.of(EntryPath.of("./"), EntryType.DIRECTORY), null));
    assertThrows(
        IllegalArgumentException.class,
        () -> w.write(TarHeader.of(EntryPath.of("h"), EntryType.HARDLINK), null));
  }

  @Test
  void contentThatEndsEarlyIsAnError() {
    PaxTarWriter w = new PaxTarWriter(new ByteArrayOutputStream());
    IOException e =
        assertThrows(
            IOException.class,
            () -> w.write(file("short", 10), new ByteArrayInputStream(new byte[4])));
    assertTrue(e.getMessage().contains("4 of 10"), e.getMessage());
  }

  @Test
  void onlySizeBytesAreTakenFromALongerStream() throws IOException {
    ByteArrayInputStream content =
        new ByteArrayInputStream("abcdef".getBytes(StandardCharsets.US_ASCII));
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    PaxTarWriter w = new PaxTarWriter(out);
    w.write(file("f", 3), content);
    w.finish();
    assertEquals(3, content.available());
    TarReader r = new TarReader(new ByteArrayInputStream(out.toByteArray()));
    r.next();
    assertEquals("abc", new String(r.content().readAllBytes(), StandardCharsets.US_ASCII));
  }

  /** Stops the writer once the first bytes are out, so a huge entry costs nothing. */
  private static final class FirstBytes extends OutputStream {
    final ByteArrayOutputStream got = new ByteArrayOutputStream();

    @Override
    public void write(int b) {
      write(new byte[] {(byte) b}, 0, 1);
    }

    @Override
    public void write(byte[] b, int off, int len) {
      got.write(b, off, len);
      throw new IllegalStateException("enough");
    }
  }

  @Test
  void sizeBeyondTheOctalFieldGoesToPax() {
    long size = 077777777777L + 1;
    FirstBytes out = new FirstBytes();
    PaxTarWriter w = new PaxTarWriter(out);
    InputStream zeros =
        new InputStream() {
          @Override
          public int read() {
            return 0;
          }

          @Override
          public int read(byte[] b, int off, int len) {
            Arrays.fill(b, off, off + len, (byte) 0);
            return len;
          }
        };
    assertThrows(IllegalStateException.class, () -> w.write(file("huge", size), zeros));
    Block pax = blocks(out.got.toByteArray()).get(0);
    assertEquals("19 size=8589934592\n", paxText(pax));
  }

  @Test
  void holdsEntriesUntilTheBufferFillsOrAFlush() throws IOException {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    PaxTarWriter w = new PaxTarWriter(out);
    w.write(dir("a"), null);
    w.write(file("a/b", 1), new ByteArrayInputStream(new byte[] {1}));
    assertEquals(0, out.size(), "two small entries stay in the buffer");
    w.flush();
    assertEquals(3 * 512, out.size());
  }

  @Test
  void passesEntriesOnOnceTheLastFlushIsTheHoldTimeAgo() throws IOException {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    PaxTarWriter w = new PaxTarWriter(out, java.time.Duration.ofNanos(1)); // always due
    w.writeRoot(dir("."));
    assertEquals(512, out.size(), "the root entry reaches the stream at once");
    w.write(dir("a"), null);
    assertEquals(2 * 512, out.size());

    ByteArrayOutputStream slow = new ByteArrayOutputStream();
    PaxTarWriter held = new PaxTarWriter(slow, java.time.Duration.ofDays(1)); // never due
    held.write(dir("a"), null);
    assertEquals(0, slow.size());
  }
}
