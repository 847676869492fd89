package io.oci2squashfs.image;

import java.util.regex.Pattern;

/**
 * A content digest such as {@code sha256:<64 hex>}. Only {@code sha256} and {@code sha512} with
 * lower-case hex of the right length are accepted, so a digest is always safe to use as a path
 * component ({@link #blobPath()}).
 */
public record Digest(String algorithm, String hex) {
  private static final Pattern HEX = Pattern.compile("[0-9a-f]+");

  public Digest {
    int expected = hexLength(algorithm);
    if (expected < 0) {
      throw new IllegalArgumentException(
          "unsupported digest algorithm " + quote(algorithm) + " (expected sha256 or sha512)");
    }
    if (hex == null || hex.length() != expected || !HEX.matcher(hex).matches()) {
      throw new IllegalArgumentException(
          "invalid "
              + algorithm
              + " digest "
              + quote(algorithm + ":" + hex)
              + " (expected "
              + expected
              + " lower-case hex digits)");
    }
  }

  /**
   * Parses {@code algorithm:hex}.
   *
   * @throws IllegalArgumentException naming the text when it is not a sha256 or sha512 digest
   */
  public static Digest parse(String text) {
    if (text == null) {
      throw new IllegalArgumentException("missing digest");
    }
    int colon = text.indexOf(':');
    if (colon < 0) {
      throw new IllegalArgumentException(
          "invalid digest " + quote(text) + " (expected sha256:<64 hex digits>)");
    }
    String algorithm = text.substring(0, colon);
    if (hexLength(algorithm) < 0) {
      throw new IllegalArgumentException(
          "invalid digest " + quote(text) + " (unsupported algorithm; expected sha256 or sha512)");
    }
    String hex = text.substring(colon + 1);
    int expected = hexLength(algorithm);
    if (hex.length() != expected || !HEX.matcher(hex).matches()) {
      throw new IllegalArgumentException(
          "invalid digest "
              + quote(text)
              + " (expected "
              + algorithm
              + ": followed by "
              + expected
              + " lower-case hex digits)");
    }
    return new Digest(algorithm, hex);
  }

  /** The sha256 digest of {@code data}. */
  public static Digest sha256(byte[] data) {
    return Digester.sha256Of(data);
  }

  /** The digest a hasher of {@code algorithm} produced ({@link Digester#digest()}). */
  static Digest ofHash(String algorithm, byte[] hash) {
    return new Digest(algorithm, toHex(hash));
  }

  /** Where an OCI image layout keeps this blob, relative to it: {@code blobs/sha256/<hex>}. */
  public String blobPath() {
    return "blobs/" + algorithm + "/" + hex;
  }

  /** For reading: the algorithm and the first 12 hex digits, {@code sha256:ab12cd34ef56}. */
  public String shortForm() {
    return algorithm + ":" + hex.substring(0, 12);
  }

  @Override
  public String toString() {
    return algorithm + ":" + hex;
  }

  private static int hexLength(String algorithm) {
    if ("sha256".equals(algorithm)) {
      return 64;
    }
    if ("sha512".equals(algorithm)) {
      return 128;
    }
    return -1;
  }

  private static String toHex(byte[] bytes) {
    StringBuilder sb = new StringBuilder(bytes.length * 2);
    for (byte b : bytes) {
      sb.append(Character.forDigit((b >> 4) & 0xf, 16)).append(Character.forDigit(b & 0xf, 16));
    }
    return sb.toString();
  }

  private static String quote(String s) {
    return s == null ? "null" : "\"" + s + "\"";
  }
}
