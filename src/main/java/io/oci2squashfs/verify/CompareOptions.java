package io.oci2squashfs.verify;

import java.util.Objects;

/**
 * What a comparison looks at besides type, permissions, size, content, symlink target, device
 * numbers, xattrs and hard links, which it always compares.
 *
 * @param ownership compare uid and gid
 * @param mtime compare modification times of everything but directories (unpackers give
 *     implicit directories the time of unpacking, so directories are never compared)
 * @param ignore paths left out on both sides
 */
public record CompareOptions(boolean ownership, boolean mtime, PathFilter ignore) {
  public static final CompareOptions DEFAULT = new CompareOptions(true, false, PathFilter.NONE);

  public CompareOptions {
    Objects.requireNonNull(ignore, "ignore");
  }

  public CompareOptions withOwnership(boolean o) {
    return new CompareOptions(o, mtime, ignore);
  }

  public CompareOptions withMtime(boolean m) {
    return new CompareOptions(ownership, m, ignore);
  }

  public CompareOptions withIgnore(PathFilter f) {
    return new CompareOptions(ownership, mtime, f);
  }
}
