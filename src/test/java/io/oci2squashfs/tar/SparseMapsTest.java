package io.oci2squashfs.tar;

import static io.oci2squashfs.tar.TarConstants.BLOCK_SIZE;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Map;
import org.junit.jupiter.api.Test;

class SparseMapsTest {
  private static byte[] ascii(String s) {
    return s.getBytes(StandardCharsets.ISO_8859_1);
  }

  private static Map<String, byte[]> pax(String... keysAndValues) {
    Map<String, byte[]> m = new java.util.HashMap<>();
    for (int i = 0; i < keysAndValues.length; i += 2) {
      m.put(keysAndValues[i], ascii(keysAndValues[i + 1]));
    }
    return m;
  }

  private static BlockInput input(byte[] bytes) {
    return new BlockInput(new ByteArrayInputStream(bytes));
  }

  /** Writes an octal number into a 12-byte field. */
  private static void octal(byte[] b, int off, long v) {
    byte[] text = ascii(String.format("%011o", v));
    System.arraycopy(text, 0, b, off, text.length);
  }

  @Test
  void paxFormatIsReadFromTheVersionRecordsOrTheMap() {
    assertEquals(SparseMaps.PAX_0, SparseMaps.paxFormat(pax("GNU.sparse.map", "0,1")));
    assertEquals(
        SparseMaps.PAX_0,
        SparseMaps.paxFormat(pax("GNU.sparse.major", "0", "GNU.sparse.minor", "1")));
    assertEquals(
        SparseMaps.PAX_1,
        SparseMaps.paxFormat(pax("GNU.sparse.major", "1", "GNU.sparse.minor", "0")));
    assertEquals(
        SparseMaps.NOT_SPARSE,
        SparseMaps.paxFormat(
            pax("GNU.sparse.major", "2", "GNU.sparse.minor", "0", "GNU.sparse.map", "0,1")),
        "unknown: a plain file, like Go");
    assertEquals(SparseMaps.NOT_SPARSE, SparseMaps.paxFormat(pax("path", "f")));
  }

  @Test
  void paxRealSizeComesFromSizeOrRealsizeOrTheData() throws Exception {
    assertEquals(9, SparseMaps.paxRealSize(pax("GNU.sparse.size", "9"), 4, 1, "f"));
    assertEquals(8, SparseMaps.paxRealSize(pax("GNU.sparse.realsize", "8"), 4, 1, "f"));
    assertEquals(4, SparseMaps.paxRealSize(pax(), 4, 1, "f"));
    TarFormatException e =
        assertThrows(
            TarFormatException.class,
            () -> SparseMaps.paxRealSize(pax("GNU.sparse.size", "x"), 4, 1, "f"));
    assertEquals("bad GNU.sparse size 'x'", e.problem());
  }

  @Test
  void pax0MapComesFromTheRecords() throws Exception {
    Map<String, byte[]> p = pax("GNU.sparse.numblocks", "2", "GNU.sparse.map", "0,5,100,3");
    assertArrayEquals(
        new long[] {0, 5, 100, 3},
        SparseMaps.readPax(p, SparseMaps.PAX_0, input(new byte[0]), 1, "f"));
    TarFormatException e =
        assertThrows(
            TarFormatException.class,
            () ->
                SparseMaps.readPax(
                    pax("GNU.sparse.numblocks", "3", "GNU.sparse.map", "0,5"),
                    SparseMaps.PAX_0,
                    input(new byte[0]),
                    1,
                    "f"));
    assertEquals("sparse map has 2 numbers, expected 2 x 3", e.problem());
  }

  @Test
  void pax1MapIsReadFromTheStartOfTheData() throws Exception {
    byte[] data = Arrays.copyOf(ascii("2\n0\n5\n100\n3\n"), BLOCK_SIZE + 8);
    BlockInput in = input(data);
    in.startData(data.length);
    assertArrayEquals(
        new long[] {0, 5, 100, 3}, SparseMaps.readPax(pax(), SparseMaps.PAX_1, in, 1, "f"));
    assertEquals(8, in.dataRemaining(), "the map takes whole blocks");

    BlockInput huge = input(Arrays.copyOf(ascii("1000\n"), BLOCK_SIZE));
    huge.startData(BLOCK_SIZE);
    TarFormatException e =
        assertThrows(
            TarFormatException.class,
            () -> SparseMaps.readPax(pax(), SparseMaps.PAX_1, huge, 1, "f"));
    assertEquals("sparse map claims 1000 entries", e.problem());
  }

  @Test
  void oldGnuMapGoesOnIntoExtensionBlocks() throws Exception {
    byte[] hdr = new byte[BLOCK_SIZE];
    for (int i = 0; i < 4; i++) {
      octal(hdr, 386 + 24 * i, 1000L * i);
      octal(hdr, 386 + 24 * i + 12, 10);
    }
    hdr[482] = 1;
    byte[] extension = new byte[BLOCK_SIZE];
    octal(extension, 0, 9000);
    octal(extension, 12, 1);
    byte[] after = {42};
    BlockInput in = input(concat(extension, after));
    long[] map = SparseMaps.readOldGnu(hdr, in, 1, "f");
    assertArrayEquals(new long[] {0, 10, 1000, 10, 2000, 10, 3000, 10, 9000, 1}, map);
    assertEquals(1, in.buffered(), "the extension block is consumed, nothing more");

    TarFormatException e =
        assertThrows(
            TarFormatException.class, () -> SparseMaps.readOldGnu(hdr, input(new byte[0]), 1, "f"));
    assertEquals("truncated in a sparse extension header", e.problem());
  }

  private static byte[] concat(byte[] a, byte[] b) {
    byte[] c = Arrays.copyOf(a, a.length + b.length);
    System.arraycopy(b, 0, c, a.length, b.length);
    return c;
  }

  @Test
  void fragmentsMustBeOrderedWithinTheSizeAndMatchTheData() throws Exception {
    SparseMaps.validate(new long[] {0, 5, 10, 3}, 20, 8, 1, "f");
    SparseMaps.validate(new long[0], 20, 0, 1, "f");
    assertEquals(
        "invalid sparse map entry offset 4 length 3 (real size 20)",
        invalid(new long[] {0, 5, 4, 3}, 20, 8));
    assertEquals(
        "invalid sparse map entry offset 18 length 3 (real size 20)",
        invalid(new long[] {18, 3}, 20, 3));
    assertEquals(
        "sparse map describes 8 bytes of data but the entry holds 9",
        invalid(new long[] {0, 5, 10, 3}, 20, 9));
  }

  private static String invalid(long[] map, long realSize, long dataSize) {
    return assertThrows(
            TarFormatException.class, () -> SparseMaps.validate(map, realSize, dataSize, 1, "f"))
        .problem();
  }
}
