package io.oci2squashfs.sink;

import java.util.ArrayList;
import java.util.List;

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
    CompressionText.check("", ALGORITHMS, algorithm, level, levelRange(algorithm));
  }

  /** Parses {@code ALG} or {@code ALG:LEVEL}. */
  public static SquashfsCompression parse(String text) {
    CompressionText.Parsed p = CompressionText.parse(text);
    return new SquashfsCompression(p.algorithm(), p.level());
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
