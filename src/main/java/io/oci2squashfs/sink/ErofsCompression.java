package io.oci2squashfs.sink;

import java.util.List;
import java.util.Locale;

/**
 * An erofs compressor and optional level, as given on the command line: {@code lz4hc}, {@code
 * lz4hc:12}, {@code lz4}, {@code lzma:9}, {@code deflate:6}, {@code zstd:3}, or {@code none}.
 *
 * @param algorithm mkfs.erofs's name for the compressor, or {@code none}
 * @param level the level, or null for mkfs.erofs's default
 */
public record ErofsCompression(String algorithm, Integer level) {
  private static final List<String> ALGORITHMS =
      List.of("lz4hc", "lz4", "lzma", "deflate", "zstd", "none");

  /** lz4hc: fast to read, what erofs images usually carry. */
  public static final ErofsCompression DEFAULT = new ErofsCompression("lz4hc", null);

  public ErofsCompression {
    if (!ALGORITHMS.contains(algorithm)) {
      throw new IllegalArgumentException(
          "unknown erofs compression '"
              + algorithm
              + "'; choose one of "
              + String.join(", ", ALGORITHMS));
    }
    if (level != null) {
      int[] range = levelRange(algorithm);
      if (range == null) {
        throw new IllegalArgumentException(algorithm + " takes no level");
      }
      if (level < range[0] || level > range[1]) {
        throw new IllegalArgumentException(
            algorithm + " level must be " + range[0] + " to " + range[1] + ", not " + level);
      }
    }
  }

  /** Parses {@code ALG} or {@code ALG:LEVEL}. */
  public static ErofsCompression parse(String text) {
    String t = text.trim().toLowerCase(Locale.ROOT);
    int colon = t.indexOf(':');
    if (colon < 0) {
      return new ErofsCompression(t, null);
    }
    String level = t.substring(colon + 1);
    try {
      return new ErofsCompression(t.substring(0, colon), Integer.parseInt(level));
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException("compression level '" + level + "' is not a number");
    }
  }

  private static int[] levelRange(String algorithm) {
    switch (algorithm) {
      case "lz4hc":
        return new int[] {0, 12};
      case "lzma":
      case "deflate":
        return new int[] {0, 9};
      case "zstd":
        return new int[] {0, 22};
      default:
        return null;
    }
  }

  /** The {@code -z} argument, or none for no compression. */
  List<String> arguments(boolean namedLevels) {
    if (algorithm.equals("none")) {
      return List.of();
    }
    String z = "-z" + algorithm;
    if (level != null) {
      z += (namedLevels ? ",level=" : ",") + level;
    }
    return List.of(z);
  }

  @Override
  public String toString() {
    return level == null ? algorithm : algorithm + ":" + level;
  }
}
