package io.oci2squashfs.sink;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.UUID;

/**
 * How mkfs.erofs builds the image.
 *
 * @param compression compressor and level
 * @param blockSize the filesystem block size in bytes (a power of two, 512 to 65536), or null for
 *     mkfs.erofs's default (the page size, 4096 here); the kernel mounts only blocks no larger than
 *     its page size
 * @param mkfsTime the filesystem's build time in seconds, or null for "now" (not reproducible)
 * @param allTime when set, every inode's mtime is this (seconds), whatever the layers say
 * @param uuid the filesystem UUID; when null, one derived from the image (see {@link
 *     #withUuidFrom}) where the build time is fixed, else a random one
 * @param keepSourceDateEpoch pass {@code SOURCE_DATE_EPOCH} through to mkfs.erofs (it then sets the
 *     build time)
 */
public record ErofsOptions(
    ErofsCompression compression,
    Integer blockSize,
    Long mkfsTime,
    Long allTime,
    UUID uuid,
    boolean keepSourceDateEpoch) {
  public static final ErofsOptions DEFAULT =
      new ErofsOptions(ErofsCompression.DEFAULT, null, null, null, null, false);

  public ErofsOptions {
    Objects.requireNonNull(compression, "compression");
    if (blockSize != null
        && (blockSize < 512 || blockSize > 65536 || Integer.bitCount(blockSize) != 1)) {
      throw new IllegalArgumentException(
          "erofs block size must be a power of two from 512 to 65536 bytes, not " + blockSize);
    }
  }

  /** Parses a block size such as {@code 4096} or {@code 4K}. */
  public static Integer parseBlockSize(String text) {
    if (text == null) {
      return null;
    }
    String t = text.trim();
    int factor = 1;
    if (t.endsWith("K") || t.endsWith("k")) {
      factor = 1024;
      t = t.substring(0, t.length() - 1);
    }
    try {
      return Math.multiplyExact(Integer.parseInt(t), factor);
    } catch (NumberFormatException | ArithmeticException e) {
      throw new IllegalArgumentException("block size '" + text + "' is not a size like 4096 or 4K");
    }
  }

  public ErofsOptions withCompression(ErofsCompression c) {
    return new ErofsOptions(c, blockSize, mkfsTime, allTime, uuid, keepSourceDateEpoch);
  }

  public ErofsOptions withBlockSize(Integer b) {
    return new ErofsOptions(compression, b, mkfsTime, allTime, uuid, keepSourceDateEpoch);
  }

  public ErofsOptions withMkfsTime(Long t) {
    return new ErofsOptions(compression, blockSize, t, allTime, uuid, keepSourceDateEpoch);
  }

  public ErofsOptions withAllTime(Long t) {
    return new ErofsOptions(compression, blockSize, mkfsTime, t, uuid, keepSourceDateEpoch);
  }

  public ErofsOptions withUuid(UUID u) {
    return new ErofsOptions(compression, blockSize, mkfsTime, allTime, u, keepSourceDateEpoch);
  }

  public ErofsOptions withKeepSourceDateEpoch(boolean keep) {
    return new ErofsOptions(compression, blockSize, mkfsTime, allTime, uuid, keep);
  }

  /**
   * These options, with a UUID made from {@code seed} (an image's manifest digest) when none is set
   * and the build time is fixed, so that a reproducible image gets the same UUID every time.
   */
  public ErofsOptions withUuidFrom(String seed) {
    if (uuid != null || (mkfsTime == null && allTime == null)) {
      return this;
    }
    return withUuid(
        UUID.nameUUIDFromBytes(
            ("oci2squashfs erofs uuid\0" + seed).getBytes(StandardCharsets.UTF_8)));
  }

  /** The option arguments (before {@code IMAGE}). */
  List<String> arguments(MkfsErofsTool tool) {
    List<String> a = new ArrayList<>(List.of("--tar=f", "--quiet"));
    a.addAll(compression.arguments(tool.namedLevels()));
    if (blockSize != null) {
      a.add("-b" + blockSize);
    }
    if (allTime != null) {
      a.addAll(List.of("-T" + allTime, "--all-time"));
    } else if (mkfsTime != null) {
      a.addAll(List.of("-T" + mkfsTime, "--mkfs-time"));
    }
    if (uuid != null) {
      a.add("-U" + uuid);
    }
    return a;
  }
}
