package io.oci2squashfs.image;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class DigesterTest {
  private static final byte[] ABC = "abc".getBytes(StandardCharsets.US_ASCII);
  private static final Digest ABC_SHA256 =
      Digest.parse("sha256:ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");

  @Test
  void readingHashesAndCountsEveryByteSkippedOnesToo() throws Exception {
    Digester d = Digester.sha256();
    try (InputStream in = d.reading(new ByteArrayInputStream(ABC))) {
      assertEquals('a', in.read());
      assertEquals(1, in.skip(1)); // a skip must still be hashed
      assertEquals(1, in.readAllBytes().length);
    }
    assertEquals(3, d.count());
    assertEquals(ABC_SHA256, d.digest());
  }

  @Test
  void writingHashesAndCountsWhatPassesThrough() throws Exception {
    Digester d = Digester.sha256();
    ByteArrayOutputStream sink = new ByteArrayOutputStream();
    try (OutputStream out = d.writing(sink)) {
      out.write('a');
      out.write(ABC, 1, 2);
    }
    assertEquals("abc", sink.toString(StandardCharsets.US_ASCII));
    assertEquals(3, d.count());
    assertEquals(ABC_SHA256, d.digest());
  }

  @Test
  void withNothingExpectedItOnlyCounts() throws Exception {
    Digester d = Digester.toCheck(null);
    d.readAll(new ByteArrayInputStream(ABC), new byte[2]);
    assertEquals(3, d.count());
    assertNull(d.digest());
    Digester sha512 = Digester.toCheck(Digest.parse("sha512:" + "0".repeat(128)));
    sha512.update(ABC, 0, 3);
    assertEquals("sha512", sha512.digest().algorithm());
  }

  @Test
  void digestOfBytesIsTheirSha256() {
    assertEquals(ABC_SHA256, Digester.sha256Of(ABC));
    assertEquals(ABC_SHA256, Digest.sha256(ABC));
  }
}
