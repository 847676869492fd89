package io.oci2squashfs.sink;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.regex.Pattern;

/**
 * How mksquashfs builds the image.
 *
 * @param compression compressor and level
 * @param blockSize data block size as mksquashfs takes it ({@code 128K}, {@code 1M}, {@code
 *     65536}), or null for its default
 * @param mkfsTime filesystem creation time in seconds, or null for "now" (not reproducible)
 * @param allTime when set, every inode's mtime is this (seconds), whatever the layers say
 * @param keepSourceDateEpoch pass {@code SOURCE_DATE_EPOCH} through to mksquashfs (it then
 *     overrides times)
 */
public record MksquashfsOptions(
    SquashfsCompression compression,
    String blockSize,
    Long mkfsTime,
    Long allTime,
    boolean keepSourceDateEpoch) {
  public static final MksquashfsOptions DEFAULT =
      new MksquashfsOptions(SquashfsCompression.DEFAULT, null, null, null, false);

  private static final Pattern BLOCK_SIZE = Pattern.compile("\\d+[KkMm]?");
  private static final long MAX_TIME = 0xFFFF_FFFFL;

  public MksquashfsOptions {
    Objects.requireNonNull(compression, "compression");
    if (blockSize != null) {
      if (!BLOCK_SIZE.matcher(blockSize).matches()) {
        throw new IllegalArgumentException(
            "block size '" + blockSize + "' is not a size like 128K or 1M");
      }
      long bytes =
          Long.parseLong(blockSize.replaceAll("[KkMm]$", ""))
              * (blockSize.matches(".*[Kk]")
                  ? 1024
                  : blockSize.matches(".*[Mm]") ? 1024 * 1024 : 1);
      if (bytes < 4096 || bytes > 1024 * 1024 || Long.bitCount(bytes) != 1) {
        throw new IllegalArgumentException(
            "block size must be a power of two from 4K to 1M, not " + blockSize);
      }
    }
    checkTime("mkfs time", mkfsTime);
    checkTime("mtime", allTime);
  }

  private static void checkTime(String what, Long t) {
    if (t != null && (t < 0 || t > MAX_TIME)) {
      throw new IllegalArgumentException(
          what + " must be 0 to " + MAX_TIME + " seconds (squashfs keeps 32 bits), not " + t);
    }
  }

  public MksquashfsOptions withCompression(SquashfsCompression c) {
    return new MksquashfsOptions(c, blockSize, mkfsTime, allTime, keepSourceDateEpoch);
  }

  public MksquashfsOptions withBlockSize(String size) {
    return new MksquashfsOptions(compression, size, mkfsTime, allTime, keepSourceDateEpoch);
  }

  public MksquashfsOptions withMkfsTime(Long t) {
    return new MksquashfsOptions(compression, blockSize, t, allTime, keepSourceDateEpoch);
  }

  public MksquashfsOptions withAllTime(Long t) {
    return new MksquashfsOptions(compression, blockSize, mkfsTime, t, keepSourceDateEpoch);
  }

  public MksquashfsOptions withKeepSourceDateEpoch(boolean keep) {
    return new MksquashfsOptions(compression, blockSize, mkfsTime, allTime, keep);
  }

  /** The option arguments (after {@code - OUTPUT -tar}). */
  List<String> arguments() {
    List<String> a = new ArrayList<>(List.of("-noappend", "-no-progress"));
    a.addAll(compression.arguments());
    if (blockSize != null) {
      a.addAll(List.of("-b", blockSize));
    }
    // every directory gets an explicit entry from the merge; these only cover mksquashfs's own
    a.addAll(List.of("-default-mode", "0755", "-default-uid", "0", "-default-gid", "0"));
    if (mkfsTime != null) {
      a.addAll(List.of("-mkfs-time", Long.toString(mkfsTime)));
    }
    if (allTime != null) {
      a.addAll(List.of("-all-time", Long.toString(allTime)));
    }
    return a;
  }
}
