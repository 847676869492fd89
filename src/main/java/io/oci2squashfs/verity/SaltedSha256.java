package io.oci2squashfs.verity;

import java.security.DigestException;
import java.security.MessageDigest;

/** Format 1 block digest: sha256(salt || block). Not thread-safe; one per thread. */
final class SaltedSha256 {
  private final MessageDigest md = VerityParameters.sha256();
  private final byte[] salt;

  SaltedSha256(byte[] salt) {
    this.salt = salt.clone();
  }

  void digest(byte[] block, int offset, byte[] out, int outOffset) {
    md.update(salt);
    md.update(block, offset, VerityLayout.BLOCK);
    try {
      md.digest(out, outOffset, VerityLayout.DIGEST);
    } catch (DigestException e) {
      throw new IllegalStateException("sha256 into a 32-byte slot", e);
    }
  }

  byte[] digest(byte[] block, int offset) {
    byte[] out = new byte[VerityLayout.DIGEST];
    digest(block, offset, out, 0);
    return out;
  }
}
