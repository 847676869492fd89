package io.oci2squashfs.overlay;

import io.oci2squashfs.tar.Mtime;
import java.util.Objects;

/**
 * Choices the merge leaves to its caller.
 *
 * @param implicitDirMtime mtime given to a directory that no visible layer has an explicit entry for
 *     (such directories are 0755, owned 0:0)
 */
public record MergeOptions(Mtime implicitDirMtime) {
  public static final MergeOptions DEFAULT = new MergeOptions(Mtime.EPOCH);

  public MergeOptions {
    Objects.requireNonNull(implicitDirMtime, "implicitDirMtime");
  }
}
