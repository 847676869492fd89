package io.oci2squashfs.sink;

import java.util.List;

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
    CompressionText.check("erofs ", ALGORITHMS, algorithm, level, levelRange(algorithm));
  }

  /** Parses {@code ALG} or {@code ALG:LEVEL}. */
  public static ErofsCompression parse(String text) {
    CompressionText.Parsed p = CompressionText.parse(text);
    return new ErofsCompression(p.algorithm(), p.level());
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
