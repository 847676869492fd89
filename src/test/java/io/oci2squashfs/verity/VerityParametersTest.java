package io.oci2squashfs.verity;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.UUID;
import org.junit.jupiter.api.Test;

class VerityParametersTest {
  @Test
  void sameSeedSameSaltAndUuid() {
    VerityParameters a = VerityParameters.fromSeed("sha256:abc");
    VerityParameters b = VerityParameters.fromSeed("sha256:abc".getBytes(StandardCharsets.UTF_8));
    assertEquals(a, b);
    assertArrayEquals(a.salt(), b.salt());
    assertEquals(a.uuid(), b.uuid());
    VerityParameters c = VerityParameters.fromSeed("sha256:abd");
    assertNotEquals(a.uuid(), c.uuid());
    assertNotEquals(a, c);
  }

  @Test
  void saltIsTheDomainSeparatedSha256OfTheSeed() throws Exception {
    byte[] expected =
        MessageDigest.getInstance("SHA-256")
            .digest("oci2squashfs verity salt\0seed".getBytes(StandardCharsets.US_ASCII));
    VerityParameters p = VerityParameters.fromSeed("seed");
    assertArrayEquals(expected, p.salt());
    assertEquals(32, p.salt().length);
  }

  @Test
  void uuidIsVersion8AndNotDerivedFromTheSalt() {
    VerityParameters p = VerityParameters.fromSeed("seed");
    assertEquals(8, p.uuid().version());
    assertEquals(2, p.uuid().variant());
    assertNotEquals(
        Hex.of(p.salt()).substring(0, 12), p.uuid().toString().replace("-", "").substring(0, 12));
  }

  @Test
  void saltOver256BytesIsRefused() {
    assertThrows(
        IllegalArgumentException.class,
        () -> new VerityParameters(new byte[257], UUID.randomUUID()));
  }
}
