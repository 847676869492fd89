package io.oci2squashfs.tar;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;

class MtimeTest {
  @Test
  void paxStringAlwaysHasADecimalPoint() {
    // mksquashfs 4.6.1 rejects a PAX mtime record without one
    assertEquals("1600000000.0", Mtime.ofSeconds(1600000000).toPaxString());
    assertEquals("1600000000.5", new Mtime(1600000000, 500_000_000).toPaxString());
    assertEquals("0.000000001", new Mtime(0, 1).toPaxString());
  }

  @Test
  void parsesWholeFractionalAndNegative() {
    assertEquals(Mtime.ofSeconds(1600000000), Mtime.parsePax("1600000000"));
    assertEquals(new Mtime(1600000000, 123456789), Mtime.parsePax("1600000000.1234567891234"));
    assertEquals(new Mtime(-2, 750_000_000), Mtime.parsePax("-1.25"));
    assertEquals(Mtime.ofSeconds(-5), Mtime.parsePax("-5"));
  }

  @Test
  void negativeRoundTrips() {
    Mtime m = new Mtime(-2, 750_000_000);
    assertEquals("-1.25", m.toPaxString());
    assertEquals(m, Mtime.parsePax(m.toPaxString()));
  }

  @Test
  void garbageIsRejected() {
    assertThrows(NumberFormatException.class, () -> Mtime.parsePax("12a"));
    assertThrows(NumberFormatException.class, () -> Mtime.parsePax(""));
    assertThrows(NumberFormatException.class, () -> Mtime.parsePax("1.2.3"));
  }
}
