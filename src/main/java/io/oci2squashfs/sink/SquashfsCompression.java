package io.oci2squashfs.sink;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * A squashfs compressor and optional level, as given on the command line: {@code zstd}, {@code
 * zstd:19}, {@code gzip:9}, {@code xz}, {@code lz4}, {@code lzo:8}.
 *
 * @param algorithm mksquashfs's name for the compressor
 * @param level the level, or null for mksquashfs's default
 */
public record SquashfsCompression(String algorithm, Integer level) {
  private static final List<String> ALGORITHMS =
      List.of("gzip", "zstd", "xz", "lz4", "lzo", "lzma");

  /** zstd at level 3: compresses about as well as gzip -6 at a fraction of the time. */
  public static final SquashfsCompression DEFAULT = new SquashfsCompression("zstd", 3);

  public SquashfsCompression {
    if (!ALGORITHMS.contains(algorithm)) {
      throw new IllegalArgumentException(
          "unknown compression '"
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
  public static SquashfsCompression parse(String text) {
    String t = text.trim().toLowerCase(Locale.ROOT);
    int colon = t.indexOf(':');
    if (colon < 0) {
      return new SquashfsCompression(t, null);
    }
    String level = t.substring(colon + 1);
    try {
      return new SquashfsCompression(t.substring(0, colon), Integer.parseInt(level));
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException("compression level '" + level + "' is not a number");
    }
  }

  private static int[] levelRange(String algorithm) {
    switch (algorithm) {
      case "gzip":
        return new int[] {1, 9};
      case "zstd":
        return new int[] {1, 22};
      case "lzo":
        return new int[] {1, 9};
      case "lz4":
      case "xz":
      case "lzma":
      default:
        return null;
    }
  }

  /** The mksquashfs arguments selecting this compressor. */
  public List<String> arguments() {
    List<String> args = new ArrayList<>(List.of("-comp", algorithm));
    if (level != null) {
      args.add("-Xcompression-level");
      args.add(Integer.toString(level));
    }
    return args;
  }

  @Override
  public String toString() {
    return level == null ? algorithm : algorithm + ":" + level;
  }
}
