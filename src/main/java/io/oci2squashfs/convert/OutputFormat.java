package io.oci2squashfs.convert;

import java.util.Locale;

/**
 * What a conversion writes: a squashfs or erofs image, the merged tar, or the merged tree extracted
 * into a directory.
 */
public enum OutputFormat {
  SQUASHFS,
  EROFS,
  TAR,
  DIR;

  /** Whether this is a filesystem image (which can carry a verity tree). */
  public boolean isFilesystem() {
    return this == SQUASHFS || this == EROFS;
  }

  /**
   * The name {@code --format} takes: {@code squashfs}, {@code erofs}, {@code tar} or {@code dir}.
   */
  public String optionName() {
    return name().toLowerCase(Locale.ROOT);
  }

  /**
   * Parses {@code squashfs}, {@code erofs}, {@code tar} or {@code dir}, in any case.
   *
   * @throws IllegalArgumentException naming the choices
   */
  public static OutputFormat parse(String name) {
    for (OutputFormat f : values()) {
      if (f.optionName().equalsIgnoreCase(name)) {
        return f;
      }
    }
    throw new IllegalArgumentException(
        "unknown output format '" + name + "'; use squashfs, erofs, tar or dir");
  }

  /**
   * The format an output name implies: {@code -} (standard output) and names ending in {@code .tar}
   * are a tar; a name ending in {@code /}, or naming an existing directory, is a directory; a name
   * ending in {@code .erofs} is an erofs image; anything else is a squashfs image.
   *
   * @param output the output as the user wrote it (a trailing slash is significant)
   * @param existingDirectory whether it names a directory that exists
   */
  public static OutputFormat forOutput(String output, boolean existingDirectory) {
    if (output.equals(ConvertRequest.STDOUT.toString())
        || output.toLowerCase(Locale.ROOT).endsWith(".tar")) {
      return TAR;
    }
    if (output.endsWith("/") || existingDirectory) {
      return DIR;
    }
    if (output.toLowerCase(Locale.ROOT).endsWith(".erofs")) {
      return EROFS;
    }
    return SQUASHFS;
  }
}
