package io.oci2squashfs.convert;

import java.util.HexFormat;
import java.util.Locale;
import java.util.Objects;

/**
 * Whether a filesystem image gets a dm-verity hash tree, and where it goes.
 *
 * @param mode none, appended to the image, or beside it in {@code OUTPUT.verity}
 * @param salt the salt, or null to derive it from the image's manifest digest (so that the same
 *     image and options give the same root hash)
 */
public record VerityOutput(Mode mode, byte[] salt) {
  /** No verity tree. */
  public static final VerityOutput NONE = new VerityOutput(Mode.NONE, null);

  /** Where the tree goes. */
  public enum Mode {
    NONE,
    /** After the image, at its size rounded up to 4096, as {@code veritysetup --hash-offset}. */
    APPENDED,
    /** In {@code OUTPUT.verity}, the image untouched. */
    SIDECAR;

    /** {@code appended} or {@code sidecar}, as {@code --verity=} takes them. */
    public static Mode parse(String s) {
      String t = s.trim().toLowerCase(Locale.ROOT);
      if (t.equals("appended") || t.equals("append") || t.isEmpty()) {
        return APPENDED;
      }
      if (t.equals("sidecar")) {
        return SIDECAR;
      }
      throw new IllegalArgumentException("unknown --verity '" + s + "': use appended or sidecar");
    }
  }

  public VerityOutput {
    Objects.requireNonNull(mode, "mode");
    if (salt != null) {
      if (salt.length > 256) {
        throw new IllegalArgumentException(
            "a verity salt is at most 256 bytes (512 hex digits), not " + salt.length);
      }
      salt = salt.clone();
    }
  }

  /**
   * Parses a salt given in hex.
   *
   * @throws IllegalArgumentException naming what is wrong
   */
  public static byte[] parseSalt(String hex) {
    String t = hex.trim();
    if (t.equals("-")) {
      return new byte[0]; // veritysetup's spelling of "no salt"
    }
    try {
      return HexFormat.of().parseHex(t);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException(
          "verity salt '" + hex + "' is not an even number of hex digits");
    }
  }

  public boolean enabled() {
    return mode != Mode.NONE;
  }

  @Override
  public byte[] salt() {
    return salt == null ? null : salt.clone();
  }
}
