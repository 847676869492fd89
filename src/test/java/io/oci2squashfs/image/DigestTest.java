package io.oci2squashfs.image;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

class DigestTest {
  private static final String ABC_SHA256 =
      "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad";

  @Test
  void sha256OfKnownInput() {
    Digest d = Digest.sha256("abc".getBytes(StandardCharsets.US_ASCII));
    assertEquals("sha256:" + ABC_SHA256, d.toString());
    assertEquals("blobs/sha256/" + ABC_SHA256, d.blobPath());
    assertEquals("sha256:ba7816bf8f01", d.shortForm());
  }

  @Test
  void parsesSha256AndSha512() {
    assertEquals(new Digest("sha256", ABC_SHA256), Digest.parse("sha256:" + ABC_SHA256));
    String sha512 = "a".repeat(128);
    assertEquals("sha512", Digest.parse("sha512:" + sha512).algorithm());
  }

  @Test
  void hasherMatchesTheAlgorithm() {
    Digest d = Digest.parse("sha256:" + ABC_SHA256);
    Digester hasher = Digester.toCheck(d);
    hasher.update("abc".getBytes(StandardCharsets.US_ASCII), 0, 3);
    assertEquals(d, hasher.digest());
    assertEquals(3, hasher.count());
  }

  static Stream<String> notDigests() {
    String b63 = "b".repeat(63);
    return Stream.of(
        "sha256:../../etc",
        "sha256:" + "../".repeat(20) + "etc/passwd",
        "sha256:A" + b63,
        "sha256:" + b63,
        "sha256:" + b63 + "bb",
        "sha256:" + b63 + "/",
        "md5:d41d8cd98f00b204e9800998ecf8427e",
        "../sha256:" + b63 + "b",
        "sha256" + b63 + "b",
        "");
  }

  @ParameterizedTest
  @MethodSource("notDigests")
  void rejectsAnythingElse(String text) {
    IllegalArgumentException e =
        assertThrows(IllegalArgumentException.class, () -> Digest.parse(text));
    assertTrue(e.getMessage().startsWith("invalid digest \"" + text + "\""), e.getMessage());
  }

  @Test
  void constructorValidatesToo() {
    assertThrows(IllegalArgumentException.class, () -> new Digest("sha256", "../x"));
    assertThrows(IllegalArgumentException.class, () -> new Digest("../blobs", ABC_SHA256));
    assertThrows(IllegalArgumentException.class, () -> Digest.parse(null));
  }
}
