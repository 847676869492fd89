package io.oci2squashfs.verity;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Arrays;
import java.util.UUID;

/**
 * What a tree is built with. Only format 1, sha256 and 4096-byte blocks are supported: that is what
 * the kernel activates everywhere and what {@code veritysetup} writes by default.
 */
public record VerityParameters(byte[] salt, UUID uuid) {
  public static final int BLOCK_SIZE = 4096;
  public static final String ALGORITHM = "sha256";
  public static final int MAX_SALT = 256;

  public VerityParameters {
    if (salt.length > MAX_SALT) {
      throw new IllegalArgumentException("verity salt longer than 256 bytes: " + salt.length);
    }
    salt = salt.clone();
    if (uuid == null) {
      throw new IllegalArgumentException("verity uuid missing");
    }
  }

  @Override
  public byte[] salt() {
    return salt.clone();
  }

  public int dataBlockSize() {
    return BLOCK_SIZE;
  }

  public int hashBlockSize() {
    return BLOCK_SIZE;
  }

  public String algorithm() {
    return ALGORITHM;
  }

  /**
   * Salt and uuid derived from {@code seed} (for example the image's content digest), so the same
   * input gives the same tree and root hash: reproducible builds need no random salt.
   */
  public static VerityParameters fromSeed(byte[] seed) {
    byte[] salt = domainHash("oci2squashfs verity salt", seed);
    byte[] u = domainHash("oci2squashfs verity uuid", seed);
    // RFC 9562 version 8 (custom): derived from sha256, so neither random (v4) nor SHA-1 (v5).
    u[6] = (byte) ((u[6] & 0x0f) | 0x80);
    u[8] = (byte) ((u[8] & 0x3f) | 0x80);
    ByteBuffer b = ByteBuffer.wrap(u);
    return new VerityParameters(salt, new UUID(b.getLong(), b.getLong()));
  }

  public static VerityParameters fromSeed(String seed) {
    return fromSeed(seed.getBytes(StandardCharsets.UTF_8));
  }

  private static byte[] domainHash(String domain, byte[] seed) {
    MessageDigest md = sha256();
    md.update(domain.getBytes(StandardCharsets.US_ASCII));
    md.update((byte) 0); // the NUL keeps domain and seed from running into each other
    md.update(seed);
    return md.digest();
  }

  static MessageDigest sha256() {
    try {
      return MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("every Java runtime has SHA-256", e);
    }
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof VerityParameters p && Arrays.equals(salt, p.salt) && uuid.equals(p.uuid);
  }

  @Override
  public int hashCode() {
    return 31 * Arrays.hashCode(salt) + uuid.hashCode();
  }

  @Override
  public String toString() {
    return "VerityParameters[salt=" + Hex.of(salt) + ", uuid=" + uuid + "]";
  }
}
