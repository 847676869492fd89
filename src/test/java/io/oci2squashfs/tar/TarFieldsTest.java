package io.oci2squashfs.tar;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class TarFieldsTest {
  private static byte[] ascii(String s) {
    return s.getBytes(StandardCharsets.ISO_8859_1);
  }

  @Test
  void octalMayBePaddedWithSpacesAndNulsAndEndsAtANul() throws Exception {
    assertEquals(0755, TarFields.parseNumeric(ascii("0000755\0"), 0, 8, "mode", 1));
    assertEquals(0755, TarFields.parseNumeric(ascii("  755 \0\0"), 0, 8, "mode", 1));
    assertEquals(07, TarFields.parseNumeric(ascii("7\0" + "12 "), 0, 5, "mode", 1));
    assertEquals(0, TarFields.parseNumeric(new byte[8], 0, 8, "mode", 1));
  }

  @Test
  void base256IsTwosComplement() throws Exception {
    byte[] b = {(byte) 0x80, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0x01, 0x02};
    assertEquals(0x0102, TarFields.parseNumeric(b, 0, 12, "size", 1));
    byte[] minusOne = new byte[12];
    java.util.Arrays.fill(minusOne, (byte) 0xff);
    assertEquals(-1, TarFields.parseNumeric(minusOne, 0, 12, "mtime", 1));
    byte[] big = new byte[12];
    big[0] = (byte) 0x80;
    big[3] = 1; // 2^64: does not fit
    TarFormatException e =
        assertThrows(TarFormatException.class, () -> TarFields.parseNumeric(big, 0, 12, "size", 4));
    assertEquals("base-256 size field overflows", e.problem());
    assertEquals(4, e.entryNumber());
  }

  @Test
  void badOctalNamesTheFieldAndItsText() {
    TarFormatException e =
        assertThrows(
            TarFormatException.class,
            () -> TarFields.parseNumeric(ascii("12x4\0\0\0\0"), 0, 8, "uid", 2));
    assertEquals("bad uid field '12x4'", e.problem());
  }

  @Test
  void decimalsAndRanges() throws Exception {
    assertEquals(42, TarFields.parseDecimal("42", "PAX size", 1, "f"));
    TarFormatException e =
        assertThrows(
            TarFormatException.class, () -> TarFields.parseDecimal("4 2", "PAX size", 3, "f"));
    assertEquals("bad PAX size '4 2'", e.problem());
    assertEquals("f", e.entryName());
    assertEquals(7, TarFields.toInt(7, "devmajor", 1));
    assertThrows(TarFormatException.class, () -> TarFields.toInt(1L << 31, "devmajor", 1));
    assertThrows(TarFormatException.class, () -> TarFields.toInt(-1, "devminor", 1, "d"));
  }

  @Test
  void textIsOneCharPerByteUpToTheFirstNul() {
    byte[] b = {'a', (byte) 0xe9, 0, 'z'};
    assertEquals("a\u00e9", TarFields.cString(b));
    assertEquals("a\u00e9\0z", TarFields.latin1(b));
    assertEquals("z", TarFields.cString(b, 3, 1));
    assertEquals(2, TarFields.indexOf(b, (byte) 0));
    assertEquals(-1, TarFields.indexOf(b, (byte) 'q'));
  }
}
