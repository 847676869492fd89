package io.oci2squashfs.imagewrite;

import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;

/** SHA-256 hashers. */
public final class Hashing {
  private Hashing() {}

  public static MessageDigest sha256() {
    try {
      return MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("the JDK always has SHA-256", e);
    }
  }
}
