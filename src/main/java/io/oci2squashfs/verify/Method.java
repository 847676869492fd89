package io.oci2squashfs.verify;

import java.util.Locale;

/** How the image is read. */
public enum Method {
  /** {@link #MOUNT} where FUSE is usable, else the image's non-mount method. */
  AUTO,
  /**
   * Mount read-only with FUSE ({@code squashfuse_ll} or {@code erofsfuse}) and walk the mount, as
   * the kernel presents it.
   */
  MOUNT,
  /**
   * Without a mount: a squashfs is read by {@link #UNSQUASHFS}, an erofs is extracted with {@code
   * fsck.erofs --extract} to a temporary directory, which is then walked.
   */
  EXTRACT,
  /**
   * A squashfs parsed from {@code unsquashfs -pf -}: no FUSE, no root, no mount. The squashfs name
   * of {@link #EXTRACT}; asked of an erofs image, it extracts.
   */
  UNSQUASHFS;

  public String label() {
    return name().toLowerCase(Locale.ROOT);
  }

  /** {@code auto}, {@code mount}, {@code extract} or {@code unsquashfs}, any case. */
  public static Method parse(String s) {
    for (Method m : values()) {
      if (m.label().equalsIgnoreCase(s.trim())) {
        return m;
      }
    }
    throw new IllegalArgumentException(
        "unknown method '" + s + "': use auto, mount, extract or unsquashfs");
  }

  /** The non-mount method that really reads a {@code format} image. */
  static Method withoutMount(FilesystemImage.Format format) {
    return format == FilesystemImage.Format.EROFS ? EXTRACT : UNSQUASHFS;
  }
}
