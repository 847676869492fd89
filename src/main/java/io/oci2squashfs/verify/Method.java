package io.oci2squashfs.verify;

import java.util.Locale;

/** How the squashfs image is read. */
public enum Method {
  /** {@link #MOUNT} where FUSE is usable, else {@link #UNSQUASHFS}. */
  AUTO,
  /** Mount read-only with {@code squashfuse_ll} and walk the mount, as the kernel presents it. */
  MOUNT,
  /** Parse {@code unsquashfs -pf -}: no FUSE, no root, no mount. */
  UNSQUASHFS;

  public String label() {
    return name().toLowerCase(Locale.ROOT);
  }

  /** {@code auto}, {@code mount} or {@code unsquashfs}, any case. */
  public static Method parse(String s) {
    for (Method m : values()) {
      if (m.label().equalsIgnoreCase(s.trim())) {
        return m;
      }
    }
    throw new IllegalArgumentException("unknown method '" + s + "': use auto, mount or unsquashfs");
  }
}
