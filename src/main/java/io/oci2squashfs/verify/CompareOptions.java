package io.oci2squashfs.verify;

import java.util.Objects;

/**
 * What a comparison looks at besides type, permissions, size, content, symlink target, device
 * numbers, xattrs and hard links, which it always compares.
 *
 * @param ownership compare uid and gid
 * @param mtime compare modification times of everything but directories (unpackers give implicit
 *     directories the time of unpacking, so directories are never compared)
 * @param ignore paths left out on both sides
 */
public record CompareOptions(boolean ownership, boolean mtime, PathFilter ignore) {
  /** Owners compared, times not, nothing ignored. */
  public static final CompareOptions DEFAULT = new CompareOptions(true, false, PathFilter.NONE);

  public CompareOptions {
    Objects.requireNonNull(ignore, "ignore");
  }

  /**
   * @param o whether uid and gid are compared; false where the reference was unpacked as a user
   *     other than root, which cannot set owners
   * @return a copy with that choice
   */
  public CompareOptions withOwnership(boolean o) {
    return new CompareOptions(o, mtime, ignore);
  }

  /**
   * @param m whether modification times (not of directories) are compared
   * @return a copy with that choice
   */
  public CompareOptions withMtime(boolean m) {
    return new CompareOptions(ownership, m, ignore);
  }

  /**
   * @param f paths left out on both sides, e.g. {@code PathFilter.of(List.of("*.pyc"))}
   * @return a copy with that filter
   */
  public CompareOptions withIgnore(PathFilter f) {
    return new CompareOptions(ownership, mtime, f);
  }
}
