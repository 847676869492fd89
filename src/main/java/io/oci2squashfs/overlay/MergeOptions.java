package io.oci2squashfs.overlay;

import io.oci2squashfs.tar.Mtime;
import java.util.Objects;

/**
 * Choices the merge leaves to its caller.
 *
 * @param implicitDirMtime mtime given to a directory that no visible layer has an explicit entry for
 *     (such directories are 0755, owned 0:0)
 * @param duplicates paths repeated within a layer, as a previous merge of the same layers found
 *     them ({@link MergeResult#duplicates()}); null when not known yet
 * @param asLayer null for a whole filesystem; else the output is one layer that replaces the merged
 *     layers on top of lower ones (see {@link LayerMode})
 */
public record MergeOptions(Mtime implicitDirMtime, DuplicateIndex duplicates, LayerMode asLayer) {
  public static final MergeOptions DEFAULT = new MergeOptions(Mtime.EPOCH, null, null);

  public MergeOptions {
    Objects.requireNonNull(implicitDirMtime, "implicitDirMtime");
  }

  public MergeOptions(Mtime implicitDirMtime) {
    this(implicitDirMtime, null, null);
  }

  public MergeOptions(Mtime implicitDirMtime, DuplicateIndex duplicates) {
    this(implicitDirMtime, duplicates, null);
  }

  public MergeOptions withDuplicates(DuplicateIndex index) {
    return new MergeOptions(implicitDirMtime, index, asLayer);
  }

  public MergeOptions withLayerMode(LayerMode mode) {
    return new MergeOptions(implicitDirMtime, duplicates, mode);
  }
}
