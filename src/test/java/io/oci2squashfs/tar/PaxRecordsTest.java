package io.oci2squashfs.tar;

import static io.oci2squashfs.tar.RawTar.record;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class PaxRecordsTest {
  private static byte[] ascii(String s) {
    return s.getBytes(StandardCharsets.ISO_8859_1);
  }

  private static byte[] records(byte[]... records) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    for (byte[] r : records) {
      out.writeBytes(r);
    }
    return out.toByteArray();
  }

  private static String problem(String data) {
    return assertThrows(TarFormatException.class, () -> PaxRecords.parse(ascii(data), 5)).problem();
  }

  @Test
  void valuesStayBytesInRecordOrder() throws Exception {
    byte[] binary = {0, '=', '\n', (byte) 0xff};
    Map<String, byte[]> pax =
        PaxRecords.parse(
            records(
                record("path", ascii("caf\u00e9")),
                record("SCHILY.xattr.security.capability", binary),
                record("uid", ascii("7"))),
            1);
    assertEquals(
        List.of("path", "SCHILY.xattr.security.capability", "uid"), List.copyOf(pax.keySet()));
    assertArrayEquals(new byte[] {'c', 'a', 'f', (byte) 0xe9}, pax.get("path"));
    assertArrayEquals(binary, pax.get("SCHILY.xattr.security.capability"));
    assertEquals("7", PaxRecords.string(pax, "uid"));
    assertEquals("", PaxRecords.string(pax, "gid"));
    assertEquals(7, PaxRecords.longValue("uid", pax.get("uid"), 1, "f"));
  }

  @Test
  void gnuSparse00NumbersAreJoinedIntoOneMap() throws Exception {
    Map<String, byte[]> pax =
        PaxRecords.parse(
            records(
                record("GNU.sparse.offset", ascii("0")),
                record("GNU.sparse.numbytes", ascii("10")),
                record("path", ascii("p")),
                record("GNU.sparse.offset", ascii("100")),
                record("GNU.sparse.numbytes", ascii("5"))),
            1);
    assertEquals(List.of("path", PaxRecords.SPARSE_MAP), List.copyOf(pax.keySet()));
    assertEquals("0,10,100,5", PaxRecords.string(pax, PaxRecords.SPARSE_MAP));
    TarFormatException e =
        assertThrows(
            TarFormatException.class,
            () -> PaxRecords.parse(record("GNU.sparse.numbytes", ascii("10")), 5));
    assertEquals("GNU sparse 0.0 offset/numbytes records out of order", e.problem());
  }

  @Test
  void malformedRecordsAreRejected() {
    assertEquals("malformed PAX record: bad length at byte 0", problem("x1 a=b\n"));
    assertEquals(
        "malformed PAX record: bad length at byte 0", problem("99999999999999999999 a=b\n"));
    assertEquals(
        "malformed PAX record: length 9 runs past the header's 6 bytes", problem("9 a=b\n"));
    assertEquals("malformed PAX record at byte 0: no newline at its end", problem("7 a=bcd"));
    assertEquals("malformed PAX record at byte 0: no key", problem("6 =bc\n"));
    assertEquals("malformed PAX record 'path': holds a NUL byte", problem("9 path=\0\n"));
  }

  @Test
  void globalRecordsAreDefaultsThatAnEmptyValueDeletes() {
    Map<String, byte[]> global = new HashMap<>();
    Map<String, byte[]> own = Map.of("uid", ascii("1"));
    assertSame(own, PaxRecords.withGlobal(global, own), "no defaults: the entry's own records");
    PaxRecords.mergeGlobal(global, Map.of("uid", ascii("5"), "gid", ascii("6")));
    PaxRecords.mergeGlobal(global, Map.of("gid", new byte[0]));
    assertEquals(Map.of("uid", "5"), text(global));
    assertEquals(Map.of("uid", "1"), text(PaxRecords.withGlobal(global, own)));
    assertTrue(PaxRecords.withGlobal(global, Map.of("uid", new byte[0])).isEmpty());
    assertEquals(Map.of("uid", "5"), text(PaxRecords.withGlobal(global, null)));
  }

  private static Map<String, String> text(Map<String, byte[]> pax) {
    Map<String, String> m = new HashMap<>();
    pax.forEach((k, v) -> m.put(k, new String(v, StandardCharsets.ISO_8859_1)));
    return m;
  }

  @Test
  void libarchiveXattrsAreDecodedUnlessASchilyOneExists() throws Exception {
    Map<String, byte[]> pax =
        Map.of(
            "LIBARCHIVE.xattr.user.a%3Db", ascii("AQI"),
            "LIBARCHIVE.xattr.user.both", ascii("AQI="),
            "SCHILY.xattr.user.both", new byte[] {9});
    Map<String, byte[]> xattrs = PaxRecords.addLibarchiveXattrs(pax, null, 1, "f");
    assertArrayEquals(new byte[] {1, 2}, xattrs.get("user.a=b"));
    assertNull(xattrs.get("user.both"), "the SCHILY record is the caller's to add");
    assertNull(PaxRecords.addLibarchiveXattrs(Map.of("path", ascii("p")), null, 1, "f"));
    TarFormatException e =
        assertThrows(
            TarFormatException.class,
            () ->
                PaxRecords.addLibarchiveXattrs(
                    Map.of("LIBARCHIVE.xattr.user.%4", ascii("AQI")), null, 3, "f"));
    assertEquals("bad %-escape in LIBARCHIVE.xattr name 'user.%4'", e.problem());
  }
}
