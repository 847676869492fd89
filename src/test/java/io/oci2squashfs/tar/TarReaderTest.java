package io.oci2squashfs.tar;

import static io.oci2squashfs.tar.RawTar.header;
import static io.oci2squashfs.tar.RawTar.latin1;
import static io.oci2squashfs.tar.RawTar.record;
import static io.oci2squashfs.tar.RawTar.tar;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.attribute.FileTime;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveOutputStream;
import org.apache.commons.compress.archivers.tar.TarConstants;
import org.junit.jupiter.api.Test;

class TarReaderTest {

  /** One entry as read: header and full content. */
  record Read(TarHeader header, byte[] content) {
    String text() {
      return new String(content, StandardCharsets.UTF_8);
    }
  }

  static List<Read> readAll(byte[] tar) throws IOException {
    TarReader reader = new TarReader(new ByteArrayInputStream(tar));
    List<Read> entries = new ArrayList<>();
    for (TarHeader h = reader.next(); h != null; h = reader.next()) {
      byte[] content = reader.content().readAllBytes();
      assertEquals(h.size(), content.length, "content length of " + h.path());
      entries.add(new Read(h, content));
    }
    assertNull(reader.next(), "next() after the end");
    return entries;
  }

  static Read only(byte[] tar) throws IOException {
    List<Read> all = readAll(tar);
    assertEquals(1, all.size(), "entries: " + all);
    return all.get(0);
  }

  static TarFormatException fails(byte[] tar) {
    return assertThrows(TarFormatException.class, () -> readAll(tar));
  }

  static byte[] bytes(int from, int to) {
    byte[] b = new byte[to - from];
    for (int i = from; i < to; i++) {
      b[i - from] = (byte) i;
    }
    return b;
  }

  static byte[] utf8(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }

  // ---- written by commons-compress, an independent writer

  private static TarArchiveEntry entry(String name, byte flag) {
    TarArchiveEntry e = new TarArchiveEntry(name, flag);
    e.setModTime(1_600_000_000_000L);
    return e;
  }

  private static void put(TarArchiveOutputStream tar, TarArchiveEntry e, byte[] data)
      throws IOException {
    e.setSize(data.length);
    tar.putArchiveEntry(e);
    tar.write(data);
    tar.closeArchiveEntry();
  }

  private static byte[] commonsTar(int longFileMode, int bigNumberMode) throws IOException {
    String longDir = "d".repeat(120) + "/" + "e".repeat(60);
    String longName = longDir + "/" + "f".repeat(90);
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    try (TarArchiveOutputStream tar = new TarArchiveOutputStream(bytes, "UTF-8")) {
      tar.setLongFileMode(longFileMode);
      tar.setBigNumberMode(bigNumberMode);
      TarArchiveEntry dir = entry("./usr/", TarConstants.LF_DIR);
      dir.setMode(01775);
      dir.setUserId(10);
      dir.setGroupId(20);
      put(tar, dir, new byte[0]);
      TarArchiveEntry file = entry("usr/bin/tool", TarConstants.LF_NORMAL);
      file.setMode(04755);
      file.setUserId(3_000_000);
      file.setGroupId(4_000_000);
      put(tar, file, utf8("hello world\n"));
      put(tar, entry(longName, TarConstants.LF_NORMAL), bytes(0, 1000));
      TarArchiveEntry sym = entry("long-link", TarConstants.LF_SYMLINK);
      sym.setLinkName("../" + longName);
      put(tar, sym, new byte[0]);
      TarArchiveEntry hard = entry("/hard", TarConstants.LF_LINK);
      hard.setLinkName("./" + longName);
      put(tar, hard, new byte[0]);
      TarArchiveEntry chr = entry("dev/null", TarConstants.LF_CHR);
      chr.setDevMajor(1);
      chr.setDevMinor(3);
      put(tar, chr, new byte[0]);
      TarArchiveEntry blk = entry("dev/sda", TarConstants.LF_BLK);
      blk.setDevMajor(8);
      blk.setDevMinor(0);
      put(tar, blk, new byte[0]);
      put(tar, entry("run/fifo", TarConstants.LF_FIFO), new byte[0]);
      TarArchiveEntry old = entry("old", TarConstants.LF_NORMAL);
      old.setModTime(-86_400_000L);
      put(tar, old, new byte[0]);
    }
    return bytes.toByteArray();
  }

  private static void checkCommonsEntries(List<Read> all) {
    String longName = "d".repeat(120) + "/" + "e".repeat(60) + "/" + "f".repeat(90);
    assertEquals(9, all.size());
    Mtime t = Mtime.ofSeconds(1_600_000_000L);

    TarHeader dir = all.get(0).header();
    assertEquals(
        new TarHeader(
            EntryPath.of("usr"), EntryType.DIRECTORY, 01775, 10, 20, 0, t, null, null, 0, 0, null),
        dir);

    Read file = all.get(1);
    assertEquals(
        new TarHeader(
            EntryPath.of("usr/bin/tool"),
            EntryType.FILE,
            04755,
            3_000_000,
            4_000_000,
            12,
            t,
            null,
            null,
            0,
            0,
            null),
        file.header());
    assertEquals("hello world\n", file.text());

    Read lng = all.get(2);
    assertEquals(longName, lng.header().path().raw());
    assertArrayEquals(bytes(0, 1000), lng.content());

    TarHeader sym = all.get(3).header();
    assertEquals(EntryType.SYMLINK, sym.type());
    assertEquals("../" + longName, sym.symlinkTarget(), "symlink targets stay raw");

    TarHeader hard = all.get(4).header();
    assertEquals(EntryPath.of("hard"), hard.path());
    assertEquals(EntryType.HARDLINK, hard.type());
    assertEquals(EntryPath.of(longName), hard.hardLinkTarget(), "hard-link targets are normalised");

    TarHeader chr = all.get(5).header();
    assertEquals(EntryType.CHAR_DEVICE, chr.type());
    assertEquals(1, chr.devMajor());
    assertEquals(3, chr.devMinor());
    TarHeader blk = all.get(6).header();
    assertEquals(EntryType.BLOCK_DEVICE, blk.type());
    assertEquals(8, blk.devMajor());
    assertEquals(EntryType.FIFO, all.get(7).header().type());
    assertEquals(Mtime.ofSeconds(-86_400), all.get(8).header().mtime());
  }

  @Test
  void readsCommonsCompressPosixLongNamesAndPosixBigNumbers() throws IOException {
    checkCommonsEntries(
        readAll(
            commonsTar(
                TarArchiveOutputStream.LONGFILE_POSIX, TarArchiveOutputStream.BIGNUMBER_POSIX)));
  }

  @Test
  void readsCommonsCompressGnuLongNamesAndBase256Numbers() throws IOException {
    // STAR big-number mode writes GNU base-256 binary fields; GNU long-file mode writes L/K
    // entries.
    byte[] tar =
        commonsTar(TarArchiveOutputStream.LONGFILE_GNU, TarArchiveOutputStream.BIGNUMBER_STAR);
    assertTrue(
        new String(tar, StandardCharsets.ISO_8859_1).contains("././@LongLink"),
        "uses GNU L headers");
    checkCommonsEntries(readAll(tar));
  }

  @Test
  void readsFractionalMtimeFromCommonsCompress() throws IOException {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    try (TarArchiveOutputStream tar = new TarArchiveOutputStream(bytes)) {
      tar.setBigNumberMode(TarArchiveOutputStream.BIGNUMBER_POSIX);
      TarArchiveEntry e = new TarArchiveEntry("f");
      e.setLastModifiedTime(FileTime.from(Instant.ofEpochSecond(1_600_000_000L, 250_000_000)));
      put(tar, e, new byte[0]);
    }
    assertEquals(
        new Mtime(1_600_000_000L, 250_000_000), only(bytes.toByteArray()).header().mtime());
  }

  // ---- hand-crafted headers

  @Test
  void readsUstarFileAndDirectoryNormalisingNames() throws IOException {
    List<Read> all =
        readAll(
            tar()
                .entry(header("./a/", '5').mode(0755).uid(1000).gid(1001).mtime(1234))
                .entry(header("/a//b", '0').size(3).mode(0100640), utf8("abc"))
                .entry(header(".", '5').mode(0700))
                .end());
    assertEquals(
        new TarHeader(
            EntryPath.of("a"),
            EntryType.DIRECTORY,
            0755,
            1000,
            1001,
            0,
            Mtime.ofSeconds(1234),
            null,
            null,
            0,
            0,
            null),
        all.get(0).header());
    assertEquals(EntryPath.of("a/b"), all.get(1).header().path());
    assertEquals(0640, all.get(1).header().mode(), "file-type bits are stripped from the mode");
    assertEquals("abc", all.get(1).text());
    assertTrue(all.get(2).header().path().isRoot());
  }

  @Test
  void contiguousFileTypeSevenIsAFile() throws IOException {
    Read r = only(tar().entry(header("c", '7').size(4), utf8("data")).end());
    assertEquals(EntryType.FILE, r.header().type());
    assertEquals("data", r.text());
  }

  @Test
  void nulTypeFlagIsAFileOrWithTrailingSlashADirectory() throws IOException {
    List<Read> all =
        readAll(
            tar()
                .entry(header("f", '\0').size(2), utf8("hi"))
                .entry(header("d/", '\0').size(5).v7())
                .entry(header("g", '0').size(1), utf8("x"))
                .end());
    assertEquals(EntryType.FILE, all.get(0).header().type());
    assertEquals("hi", all.get(0).text());
    assertEquals(EntryType.DIRECTORY, all.get(1).header().type());
    assertEquals(
        0, all.get(1).header().size(), "a directory has no data regardless of the size field");
    assertEquals("x", all.get(2).text());
  }

  @Test
  void hardLinkWithNonZeroSizeFieldConsumesNoData() throws IOException {
    List<Read> all =
        readAll(
            tar()
                .entry(header("t", '0').size(1), utf8("t"))
                .entry(header("h", '1').link("/t").size(700))
                .entry(header("after", '0').size(5), utf8("after"))
                .end());
    assertEquals(3, all.size());
    assertEquals(0, all.get(1).header().size());
    assertEquals(EntryPath.of("t"), all.get(1).header().hardLinkTarget());
    assertEquals("after", all.get(2).text());
  }

  @Test
  void headerOnlyTypesNeverHaveData() throws IOException {
    List<Read> all =
        readAll(
            tar()
                .entry(header("s", '2').link("x").size(10))
                .entry(header("c", '3').devices(4, 64).size(10))
                .entry(header("b", '4').devices(7, 1).size(10))
                .entry(header("d", '5').size(10))
                .entry(header("p", '6').size(10))
                .entry(header("end", '0').size(1), utf8("!"))
                .end());
    assertEquals(6, all.size());
    for (int i = 0; i < 5; i++) {
      assertEquals(0, all.get(i).header().size());
    }
    assertEquals(4, all.get(1).header().devMajor());
    assertEquals(64, all.get(1).header().devMinor());
    assertEquals("!", all.get(5).text());
  }

  @Test
  void binaryXattrValueIsKeptByteForByte() throws IOException {
    byte[] all256 = bytes(0, 256);
    Read r =
        only(
            tar()
                .pax(
                    'x',
                    record("SCHILY.xattr.security.capability", all256),
                    record("SCHILY.xattr.user.eq", latin1("a=b\nc=d\n")))
                .entry(header("f", '0'))
                .end());
    Map<String, byte[]> x = r.header().xattrs();
    assertEquals(2, x.size());
    assertArrayEquals(all256, x.get("security.capability"));
    assertArrayEquals(latin1("a=b\nc=d\n"), x.get("user.eq"));
  }

  @Test
  void libarchiveXattrIsPercentAndBase64Decoded() throws IOException {
    byte[] value = bytes(250, 256);
    Read r =
        only(
            tar()
                .pax(
                    'x',
                    record(
                        "LIBARCHIVE.xattr.user.a%3Db%25",
                        Base64.getEncoder().withoutPadding().encodeToString(value)))
                .entry(header("f", '0'))
                .end());
    assertArrayEquals(value, r.header().xattrs().get("user.a=b%"));
  }

  @Test
  void schilyXattrWinsOverLibarchiveXattrOfTheSameName() throws IOException {
    Read r =
        only(
            tar()
                .pax(
                    'x',
                    record(
                        "LIBARCHIVE.xattr.user.x", Base64.getEncoder().encodeToString(utf8("lib"))),
                    record("SCHILY.xattr.user.x", "schily"))
                .entry(header("f", '0'))
                .end());
    assertArrayEquals(utf8("schily"), r.header().xattrs().get("user.x"));
  }

  @Test
  void gnuAtimeAndCtimeBytesNeverLeakIntoThePath() throws IOException {
    // GNU headers keep atime/ctime where USTAR has its prefix; a USTAR-minded reader gets "14..."
    // dirs.
    RawTar.Header h =
        header("file", '0')
            .gnu()
            .field(345, 12, latin1("14000000000\0"))
            .field(357, 12, latin1("14000000001\0"));
    assertEquals(EntryPath.of("file"), only(tar().entry(h).end()).header().path());
    RawTar.Header junk = header("file2", '0').gnu().field(345, 20, latin1("notanumber/atall"));
    assertEquals(EntryPath.of("file2"), only(tar().entry(junk).end()).header().path());
  }

  @Test
  void ustarPrefixIsJoinedToTheName() throws IOException {
    Read r = only(tar().entry(header("name", '0').prefix("some/prefix")).end());
    assertEquals(EntryPath.of("some/prefix/name"), r.header().path());
  }

  @Test
  void paxPathReplacesNameAndStalePrefix() throws IOException {
    Read r =
        only(
            tar()
                .pax('x', record("path", "real/long/name"))
                .entry(header("truncated", '0').prefix("stale/prefix"))
                .end());
    assertEquals(EntryPath.of("real/long/name"), r.header().path());
    assertEquals(
        "real/long/name",
        new TarReader(
                new ByteArrayInputStream(
                    tar()
                        .pax('x', record("path", "real/long/name"))
                        .entry(header("truncated", '0').prefix("stale/prefix"))
                        .end()))
            .next()
            .path()
            .raw());
  }

  @Test
  void gnuLongNameAndLongLinkReplaceTheFields() throws IOException {
    String longName = "n".repeat(200) + "/" + "m".repeat(100); // components within NAME_MAX
    String longLink = "l/".repeat(100) + "target";
    List<Read> all =
        readAll(
            tar()
                .entry(
                    header("././@LongLink", 'L').gnu().size(longName.length() + 1),
                    utf8(longName + "\0"))
                .entry(header("././@LongLink", 'K').gnu().size(longLink.length()), utf8(longLink))
                .entry(header("short", '2').gnu().link("short-target"))
                .entry(header("next", '0').gnu())
                .end());
    assertEquals(longName, all.get(0).header().path().raw());
    assertEquals(longLink, all.get(0).header().symlinkTarget());
    assertEquals("next", all.get(1).header().path().raw(), "a long name applies to one entry only");
  }

  @Test
  void nonUtf8NameBytesRoundTrip() throws IOException {
    byte[] name = {'d', '/', (byte) 0xff, (byte) 0xfe, 'x', (byte) 0xc3};
    List<Read> all =
        readAll(
            tar()
                .entry(header("", '0').nameBytes(name))
                .pax('x', record("path", new byte[] {'p', '/', (byte) 0x80, (byte) 0xe9}))
                .entry(header("ignored", '0'))
                .end());
    assertArrayEquals(name, all.get(0).header().path().toBytes());
    assertArrayEquals(
        new byte[] {'p', '/', (byte) 0x80, (byte) 0xe9}, all.get(1).header().path().toBytes());
  }

  @Test
  void base256NumbersAreDecoded() throws IOException {
    Read r =
        only(
            tar()
                .entry(
                    header("big", '0')
                        .base256(108, 8, 1L << 40)
                        .base256(116, 8, 5_000_000_000L)
                        .base256(136, 12, -1_000_000L)
                        .base256(124, 12, 3))
                .raw(new byte[] {'a', 'b', 'c'})
                .raw(new byte[509])
                .end());
    assertEquals(1L << 40, r.header().uid());
    assertEquals(5_000_000_000L, r.header().gid());
    assertEquals(Mtime.ofSeconds(-1_000_000L), r.header().mtime());
    assertEquals("abc", r.text());
  }

  @Test
  void octalFieldsMayBePaddedWithSpacesAndNuls() throws IOException {
    Read r =
        only(
            tar()
                .entry(
                    header("f", '0')
                        .field(100, 8, latin1("  755 \0\0"))
                        .field(108, 8, latin1("\0\0\0001750"))
                        .field(124, 12, latin1("2          ")),
                    utf8("ok"))
                .end());
    assertEquals(0755, r.header().mode());
    assertEquals(01750, r.header().uid());
    assertEquals("ok", r.text());
  }

  @Test
  void globalHeaderGivesDefaultsThatEntryHeadersOverride() throws IOException {
    List<Read> all =
        readAll(
            tar()
                .pax(
                    'g',
                    record("uid", "4242"),
                    record("mtime", "1700000000.5"),
                    record("comment", "git archive"))
                .entry(header("a", '0').uid(1))
                .pax('x', record("uid", "7"), record("mtime", ""))
                .entry(header("b", '0').mtime(99))
                .pax('g', record("uid", ""))
                .entry(header("c", '0').uid(3))
                .end());
    assertEquals(4242, all.get(0).header().uid());
    assertEquals(new Mtime(1_700_000_000L, 500_000_000), all.get(0).header().mtime());
    assertEquals(7, all.get(1).header().uid());
    assertEquals(
        Mtime.ofSeconds(99),
        all.get(1).header().mtime(),
        "an empty x value deletes the global one");
    assertEquals(3, all.get(2).header().uid(), "an empty g value deletes the earlier global one");
    assertEquals(new Mtime(1_700_000_000L, 500_000_000), all.get(2).header().mtime());
  }

  @Test
  void emptyPaxPathMeansTheHeaderField() throws IOException {
    Read r = only(tar().pax('x', record("path", "")).entry(header("field", '0')).end());
    assertEquals("field", r.header().path().raw());
  }

  @Test
  void fractionalAndNegativePaxMtimes() throws IOException {
    List<Read> all =
        readAll(
            tar()
                .pax('x', record("mtime", "1600000000.123456789123"))
                .entry(header("a", '0'))
                .pax('x', record("mtime", "-1.25"))
                .entry(header("b", '0'))
                .pax('x', record("mtime", "1600000000"))
                .entry(header("c", '0'))
                .end());
    assertEquals(new Mtime(1_600_000_000L, 123_456_789), all.get(0).header().mtime());
    assertEquals(new Mtime(-2, 750_000_000), all.get(1).header().mtime());
    assertEquals(Mtime.ofSeconds(1_600_000_000L), all.get(2).header().mtime());
  }

  @Test
  void paxNumbersDevicesSizeAndLinkpath() throws IOException {
    List<Read> all =
        readAll(
            tar()
                .pax(
                    'x',
                    record("uid", "3000000000"),
                    record("gid", "3000000001"),
                    record("size", "5"),
                    record("uname", "root"),
                    record("gname", "wheel"),
                    record("atime", "1.5"),
                    record("ctime", "x"),
                    record("hdrcharset", "BINARY"),
                    record("unknown.key", "v"))
                .entry(header("f", '0').size(1), utf8("12345"))
                .pax('x', record("SCHILY.devmajor", "259"), record("SCHILY.devminor", "1048575"))
                .entry(header("dev", '4').devices(1, 1))
                .pax('x', record("linkpath", "/abs/" + "t".repeat(200)))
                .entry(header("sym", '2').link("short"))
                .end());
    TarHeader f = all.get(0).header();
    assertEquals(3_000_000_000L, f.uid());
    assertEquals(3_000_000_001L, f.gid());
    assertEquals("12345", all.get(0).text());
    assertEquals(259, all.get(1).header().devMajor());
    assertEquals(1048575, all.get(1).header().devMinor());
    assertEquals("/abs/" + "t".repeat(200), all.get(2).header().symlinkTarget());
  }

  @Test
  void oldGnuSparseFileWithAnExtensionBlock() throws IOException {
    // 6 fragments: 4 in the header, 2 in one extension block. Data "AB" at 0, "CD" at 100, ...
    long realSize = 10_000;
    long[] offsets = {0, 100, 1000, 2000, 5000, 9998};
    RawTar.Header h = header("sparse", 'S').gnu().size(12);
    for (int i = 0; i < 4; i++) {
      h.octal(386 + i * 24, 12, offsets[i]).octal(386 + i * 24 + 12, 12, 2);
    }
    h.field(482, 1, new byte[] {1}).octal(483, 12, realSize);
    byte[] ext = new byte[512];
    for (int i = 0; i < 2; i++) {
      byte[] off = latin1(String.format("%011o\0", offsets[4 + i]));
      byte[] len = latin1(String.format("%011o\0", 2));
      System.arraycopy(off, 0, ext, i * 24, 12);
      System.arraycopy(len, 0, ext, i * 24 + 12, 12);
    }
    byte[] data = utf8("ABCDEFGHIJKL");
    Read r = only(tar().entry(h).raw(ext).data(data).end());
    assertEquals(EntryType.FILE, r.header().type());
    assertEquals(realSize, r.header().size());
    byte[] expected = new byte[(int) realSize];
    for (int i = 0; i < offsets.length; i++) {
      expected[(int) offsets[i]] = data[2 * i];
      expected[(int) offsets[i] + 1] = data[2 * i + 1];
    }
    assertArrayEquals(expected, r.content());
  }

  @Test
  void oldGnuSparseIsFollowedByTheNextEntry() throws IOException {
    RawTar.Header h =
        header("sparse", 'S').gnu().size(3).octal(386, 12, 10).octal(398, 12, 3).octal(483, 12, 20);
    List<Read> all =
        readAll(tar().entry(h, utf8("xyz")).entry(header("after", '0').size(1), utf8("!")).end());
    byte[] expected = new byte[20];
    expected[10] = 'x';
    expected[11] = 'y';
    expected[12] = 'z';
    assertArrayEquals(expected, all.get(0).content());
    assertEquals("!", all.get(1).text());
  }

  private static byte[] expectedSparse(int realSize, long[][] map, byte[] data) {
    byte[] expected = new byte[realSize];
    int d = 0;
    for (long[] frag : map) {
      System.arraycopy(data, d, expected, (int) frag[0], (int) frag[1]);
      d += frag[1];
    }
    return expected;
  }

  @Test
  void paxSparse00WithRepeatedKeys() throws IOException {
    byte[] data = utf8("helloworld");
    Read r =
        only(
            tar()
                .pax(
                    'x',
                    record("GNU.sparse.size", "4096"),
                    record("GNU.sparse.numblocks", "2"),
                    record("GNU.sparse.offset", "0"),
                    record("GNU.sparse.numbytes", "5"),
                    record("GNU.sparse.offset", "4091"),
                    record("GNU.sparse.numbytes", "5"),
                    record("path", "dir/sparse00"))
                .entry(header("GNUSparseFile.1/sparse00", '0').size(10), data)
                .end());
    assertEquals("dir/sparse00", r.header().path().raw());
    assertEquals(4096, r.header().size());
    assertArrayEquals(expectedSparse(4096, new long[][] {{0, 5}, {4091, 5}}, data), r.content());
  }

  @Test
  void paxSparse01WithAMapRecord() throws IOException {
    byte[] data = utf8("abcdef");
    Read r =
        only(
            tar()
                .pax(
                    'x',
                    record("GNU.sparse.major", "0"),
                    record("GNU.sparse.minor", "1"),
                    record("GNU.sparse.size", "3000"),
                    record("GNU.sparse.numblocks", "2"),
                    record("GNU.sparse.map", "1000,3,2000,3"),
                    record("path", "sparse01"))
                .entry(header("GNUSparseFile.1/sparse01", '0').size(6), data)
                .end());
    assertEquals("sparse01", r.header().path().raw());
    assertArrayEquals(expectedSparse(3000, new long[][] {{1000, 3}, {2000, 3}}, data), r.content());
  }

  @Test
  void paxSparse10WithTheMapInTheData() throws IOException {
    byte[] map = utf8("3\n0\n4\n1024\n4\n8188\n4\n");
    byte[] payload = utf8("aaaabbbbcccc");
    byte[] dataSection = new byte[512 + payload.length];
    System.arraycopy(map, 0, dataSection, 0, map.length);
    System.arraycopy(payload, 0, dataSection, 512, payload.length);
    List<Read> all =
        readAll(
            tar()
                .pax(
                    'x',
                    record("GNU.sparse.major", "1"),
                    record("GNU.sparse.minor", "0"),
                    record("GNU.sparse.name", "real/name"),
                    record("GNU.sparse.realsize", "8192"))
                .entry(
                    header("./GNUSparseFile.123/name", '0').size(dataSection.length), dataSection)
                .entry(header("after", '0').size(1), utf8("!"))
                .end());
    Read r = all.get(0);
    assertEquals("real/name", r.header().path().raw());
    assertEquals(8192, r.header().size());
    assertArrayEquals(
        expectedSparse(8192, new long[][] {{0, 4}, {1024, 4}, {8188, 4}}, payload), r.content());
    assertEquals("!", all.get(1).text());
  }

  @Test
  void paxSparse10MapSpanningSeveralBlocks() throws IOException {
    StringBuilder map = new StringBuilder("300\n");
    long[][] frags = new long[300][];
    for (int i = 0; i < 300; i++) {
      frags[i] = new long[] {i * 100L + 7, 1};
      map.append(i * 100 + 7).append('\n').append(1).append('\n');
    }
    byte[] mapBytes = utf8(map.toString());
    int mapBlocks = (mapBytes.length + 511) / 512;
    assertTrue(mapBlocks > 1);
    byte[] payload = new byte[300];
    for (int i = 0; i < 300; i++) {
      payload[i] = (byte) (i + 1);
    }
    byte[] dataSection = new byte[mapBlocks * 512 + payload.length];
    System.arraycopy(mapBytes, 0, dataSection, 0, mapBytes.length);
    System.arraycopy(payload, 0, dataSection, mapBlocks * 512, payload.length);
    Read r =
        only(
            tar()
                .pax(
                    'x',
                    record("GNU.sparse.major", "1"),
                    record("GNU.sparse.minor", "0"),
                    record("GNU.sparse.name", "many"),
                    record("GNU.sparse.realsize", "30000"))
                .entry(header("GNUSparseFile.1/many", '0').size(dataSection.length), dataSection)
                .end());
    assertArrayEquals(expectedSparse(30_000, frags, payload), r.content());
  }

  @Test
  void sparseMapsAreValidated() {
    // overlapping
    fails(
        tar()
            .pax(
                'x',
                record("GNU.sparse.size", "100"),
                record("GNU.sparse.numblocks", "2"),
                record("GNU.sparse.map", "0,10,5,10"))
            .entry(header("s", '0').size(20), new byte[20])
            .end());
    // beyond the real size
    fails(
        tar()
            .pax(
                'x',
                record("GNU.sparse.size", "100"),
                record("GNU.sparse.numblocks", "1"),
                record("GNU.sparse.map", "95,10"))
            .entry(header("s", '0').size(10), new byte[10])
            .end());
    // count does not match
    fails(
        tar()
            .pax(
                'x',
                record("GNU.sparse.size", "100"),
                record("GNU.sparse.numblocks", "2"),
                record("GNU.sparse.map", "0,10"))
            .entry(header("s", '0').size(10), new byte[10])
            .end());
    // data size does not match the map
    fails(
        tar()
            .pax(
                'x',
                record("GNU.sparse.size", "100"),
                record("GNU.sparse.numblocks", "1"),
                record("GNU.sparse.map", "0,10"))
            .entry(header("s", '0').size(11), new byte[11])
            .end());
    // 0.0 keys out of order
    fails(
        tar()
            .pax(
                'x',
                record("GNU.sparse.size", "100"),
                record("GNU.sparse.numblocks", "1"),
                record("GNU.sparse.numbytes", "10"),
                record("GNU.sparse.offset", "0"))
            .entry(header("s", '0').size(10), new byte[10])
            .end());
  }

  @Test
  void dotDotIsRejectedNamingTheEntry() {
    TarFormatException e =
        fails(tar().entry(header("ok", '0')).entry(header("a/../../etc/passwd", '0')).end());
    assertEquals(2, e.entryNumber());
    assertEquals("a/../../etc/passwd", e.entryName());
    assertTrue(e.getMessage().startsWith("entry #2 'a/../../etc/passwd': "), e.getMessage());
    fails(tar().entry(header("h", '1').link("../outside")).end());
  }

  @Test
  void badChecksumIsRejectedAndSignedSumsAccepted() throws IOException {
    TarFormatException e =
        fails(tar().entry(header("a", '0')).entry(header("b", '0').badChecksum()).end());
    assertEquals(2, e.entryNumber());
    assertTrue(e.getMessage().contains("bad checksum"), e.getMessage());
    byte[] name = {'n', (byte) 0xe9, (byte) 0xff};
    Read r = only(tar().entry(header("", '0').nameBytes(name).signedChecksum()).end());
    assertArrayEquals(name, r.header().path().toBytes());
  }

  @Test
  void truncatedStreamsAreRejected() {
    byte[] full = tar().entry(header("f", '0').size(1000), new byte[1000]).end();
    assertTrue(fails(Arrays.copyOf(full, 300)).getMessage().contains("truncated"));
    assertTrue(fails(Arrays.copyOf(full, 512 + 700)).getMessage().contains("truncated"));
    byte[] paxOnly = tar().pax('x', record("path", "x")).bytes();
    assertTrue(fails(paxOnly).getMessage().contains("truncated"));
    assertTrue(
        fails(Arrays.copyOf(paxOnly, paxOnly.length - 100)).getMessage().contains("truncated"));
  }

  @Test
  void truncationIsFoundWhenTheUnreadContentIsSkipped() throws IOException {
    byte[] cut =
        Arrays.copyOf(tar().entry(header("f", '0').size(5000), new byte[5000]).end(), 2048);
    TarReader reader = new TarReader(new ByteArrayInputStream(cut));
    reader.next();
    assertThrows(TarFormatException.class, reader::next);
  }

  @Test
  void endWithoutZeroBlocksOrWithOneIsAcceptedLikeGo() throws IOException {
    byte[] noEnd = tar().entry(header("f", '0').size(3), utf8("abc")).bytes();
    assertEquals(1, readAll(noEnd).size());
    byte[] oneZero = tar().entry(header("f", '0').size(3), utf8("abc")).raw(new byte[512]).bytes();
    assertEquals(1, readAll(oneZero).size());
    assertEquals(0, readAll(new byte[0]).size());
    byte[] zeroThenHeader = tar().raw(new byte[512]).entry(header("f", '0')).end();
    assertTrue(fails(zeroThenHeader).getMessage().contains("zero block"));
  }

  @Test
  void readingStopsAtTheEndBlocks() throws IOException {
    byte[] tar = tar().entry(header("f", '0')).end();
    byte[] withTrailer = Arrays.copyOf(tar, tar.length + 4096);
    Arrays.fill(withTrailer, tar.length, withTrailer.length, (byte) 'j');
    assertEquals(1, readAll(withTrailer).size(), "bytes after the end blocks are not read");
  }

  @Test
  void malformedPaxLengthsAreRejectedWithoutHugeAllocations() {
    String[] bad = {
      "99999999999999999999 path=x\n",
      "-5 path=x\n",
      "abc path=x\n",
      "100 path=x\n",
      "3 a\n",
      "12 path=x\n",
      "7 =x\n",
      "9 pathx\n",
      " 9 path=x\n",
      "10 path=x"
    };
    for (String rec : bad) {
      TarFormatException e = fails(tar().pax('x', latin1(rec)).entry(header("f", '0')).end());
      assertTrue(e.getMessage().contains("PAX"), rec + ": " + e.getMessage());
    }
    // A PAX header claiming a size far beyond the cap is refused before anything is allocated.
    TarFormatException huge =
        fails(tar().entry(header("PaxHeaders/x", 'x').size(0777777777L)).end());
    assertTrue(huge.getMessage().contains("larger than"), huge.getMessage());
    TarFormatException hugeLong =
        fails(tar().entry(header("@LongLink", 'L').gnu().base256(124, 12, 1L << 40)).end());
    assertTrue(hugeLong.getMessage().contains("larger than"), hugeLong.getMessage());
    fails(tar().entry(header("f", '0').base256(124, 12, -1)).end());
    fails(tar().pax('x', record("size", "-3")).entry(header("f", '0')).end());
    fails(tar().pax('x', record("uid", "12x")).entry(header("f", '0')).end());
    fails(tar().pax('x', record("mtime", "yesterday")).entry(header("f", '0')).end());
  }

  // A bad PAX number was reported without the entry's name (found by BadInputIT).
  @Test
  void badPaxNumbersNameTheEntry() {
    for (String[] kv : new String[][] {{"size", "abc"}, {"gid", "1x"}, {"SCHILY.devmajor", "-1"}}) {
      TarFormatException e =
          fails(tar().pax('x', record(kv[0], kv[1])).entry(header("victim", '3')).end());
      assertTrue(e.getMessage().contains("'victim'"), kv[0] + ": " + e.getMessage());
    }
  }

  @Test
  void emptyNameIsRejected() {
    TarFormatException e = fails(tar().entry(header("", '0')).end());
    assertTrue(e.getMessage().contains("empty"), e.getMessage());
  }

  @Test
  void unknownTypeFlagIsRejectedNamingIt() {
    TarFormatException e = fails(tar().entry(header("m", 'M')).end());
    assertTrue(e.getMessage().contains("'M'"), e.getMessage());
    assertEquals("m", e.entryName());
  }

  @Test
  void dumpdirIsADirectoryAndVolumeLabelIsSkipped() throws IOException {
    List<Read> all =
        readAll(
            tar()
                .entry(header("label", 'V').gnu().size(3), utf8("vol"))
                .entry(header("dir/", 'D').gnu().size(6), utf8("Yfile\0"))
                .entry(header("f", '0').size(2), utf8("ok"))
                .end());
    assertEquals(2, all.size());
    assertEquals(EntryType.DIRECTORY, all.get(0).header().type());
    assertEquals(0, all.get(0).header().size());
    assertEquals("ok", all.get(1).text());
  }

  @Test
  void entryNumberCountsRealEntriesOnly() throws IOException {
    TarReader reader =
        new TarReader(
            new ByteArrayInputStream(
                tar()
                    .pax('g', record("comment", "c"))
                    .pax('x', record("path", "p1"))
                    .entry(header("a", '0'))
                    .entry(header("././@LongLink", 'L').gnu().size(3), utf8("p2\0"))
                    .entry(header("b", '0').gnu())
                    .end()));
    reader.next();
    assertEquals(1, reader.entryNumber());
    assertEquals("p1", reader.rawName());
    reader.next();
    assertEquals(2, reader.entryNumber());
    assertEquals("p2", reader.rawName());
  }

  @Test
  void rawNameIsTheNameBeforeNormalisation() throws IOException {
    TarReader reader =
        new TarReader(new ByteArrayInputStream(tar().entry(header("./a//b/", '5')).end()));
    assertEquals("a/b", reader.next().path().raw());
    assertEquals("./a//b/", reader.rawName());
  }

  @Test
  void unreadContentIsSkippedAndStaleViewsReadNothing() throws IOException {
    byte[] big = bytes(0, 256);
    big = Arrays.copyOf(big, 300_000);
    TarReader reader =
        new TarReader(
            new ByteArrayInputStream(
                tar()
                    .entry(header("big", '0').size(big.length), big)
                    .entry(header("small", '0').size(5), utf8("small"))
                    .end()));
    reader.next();
    InputStream first = reader.content();
    assertEquals(0, first.read());
    assertEquals(1, first.read());
    assertEquals(10, first.skip(10));
    assertEquals(12, first.read());
    TarHeader second = reader.next();
    assertEquals("small", second.path().raw());
    assertEquals(-1, first.read(), "a view of the previous entry reads nothing");
    assertEquals("small", new String(reader.content().readAllBytes(), StandardCharsets.UTF_8));
  }

  @Test
  void bulkReadTransferToAndSmallReadsAgree() throws IOException {
    byte[] data = new byte[1_000_003];
    new java.util.Random(1).nextBytes(data);
    long[][] map = {{10, 100_000}, {500_000, 200_000}, {900_000, 100_003}};
    byte[] dense = new byte[400_003];
    System.arraycopy(data, 0, dense, 0, dense.length);
    byte[] tarBytes =
        tar()
            .entry(header("plain", '0').size(data.length), data)
            .pax(
                'x',
                record("GNU.sparse.size", "1200000"),
                record("GNU.sparse.numblocks", "3"),
                record("GNU.sparse.map", "10,100000,500000,200000,900000,100003"))
            .entry(header("sparse", '0').size(dense.length), dense)
            .end();
    byte[] sparseExpected = expectedSparse(1_200_000, map, dense);

    List<Read> bulk = readAll(tarBytes);
    assertArrayEquals(data, bulk.get(0).content());
    assertArrayEquals(sparseExpected, bulk.get(1).content());

    // transferTo through a stream that returns few bytes at a time
    TarReader reader = new TarReader(new TrickleInputStream(new ByteArrayInputStream(tarBytes)));
    reader.next();
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    assertEquals(data.length, reader.content().transferTo(out));
    assertArrayEquals(data, out.toByteArray());
    reader.next();
    out.reset();
    assertEquals(sparseExpected.length, reader.content().transferTo(out));
    assertArrayEquals(sparseExpected, out.toByteArray());
    assertNull(reader.next());

    // odd-sized reads
    reader = new TarReader(new ByteArrayInputStream(tarBytes));
    for (byte[] expected : new byte[][] {data, sparseExpected}) {
      reader.next();
      InputStream in = reader.content();
      ByteArrayOutputStream got = new ByteArrayOutputStream();
      byte[] chunk = new byte[777];
      for (int n = in.read(chunk, 0, 777); n >= 0; n = in.read(chunk, 0, 777)) {
        got.write(chunk, 0, n);
      }
      assertArrayEquals(expected, got.toByteArray());
    }
  }

  /** Returns at most 100 bytes per read, like a slow network stream. */
  static final class TrickleInputStream extends FilterInputStream {
    TrickleInputStream(InputStream in) {
      super(in);
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
      return super.read(b, off, Math.min(len, 100));
    }
  }
}
