package io.oci2squashfs.sink;

import java.util.List;
import java.util.Locale;

/** The {@code ALG[:LEVEL]} text both filesystems' compression options are written in. */
final class CompressionText {
  private CompressionText() {}

  /** An algorithm name, lower case, and its level or null. */
  record Parsed(String algorithm, Integer level) {}

  /** Splits {@code ALG} or {@code ALG:LEVEL}. */
  static Parsed parse(String text) {
    String t = text.trim().toLowerCase(Locale.ROOT);
    int colon = t.indexOf(':');
    if (colon < 0) {
      return new Parsed(t, null);
    }
    String level = t.substring(colon + 1);
    try {
      return new Parsed(t.substring(0, colon), Integer.parseInt(level));
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException("compression level '" + level + "' is not a number");
    }
  }

  /**
   * Checks an algorithm against the known ones and a level against its range.
   *
   * @param kind the filesystem, as the message names it ("" for squashfs, "erofs ")
   * @param range the levels {@code algorithm} takes, or null for none
   * @throws IllegalArgumentException naming the choices or the range
   */
  static void check(String kind, List<String> known, String algorithm, Integer level, int[] range) {
    if (!known.contains(algorithm)) {
      throw new IllegalArgumentException(
          "unknown "
              + kind
              + "compression '"
              + algorithm
              + "'; choose one of "
              + String.join(", ", known));
    }
    if (level == null) {
      return;
    }
    if (range == null) {
      throw new IllegalArgumentException(algorithm + " takes no level");
    }
    if (level < range[0] || level > range[1]) {
      throw new IllegalArgumentException(
          algorithm + " level must be " + range[0] + " to " + range[1] + ", not " + level);
    }
  }
}
