package io.oci2squashfs.overlay;

import io.oci2squashfs.tar.TarHeader;
import java.io.IOException;

/**
 * Finds the root directory's attributes before the merge, for a sink that needs them up front
 * (mksquashfs takes them on its command line and ignores a root entry in the stream). Looks only at
 * each layer's first entry, newest layer first: where layers have a root entry at all, tar writers
 * put it first. The merge's own {@link MergeResult#root()} is the authority; a caller compares the
 * two.
 */
public final class RootProbe {
  /** A root entry and the layer it came from. */
  public record Found(TarHeader root, int layer) {}

  private RootProbe() {}

  /** The newest layer whose first entry is a root directory entry, or null when none has one. */
  public static Found find(LayerSource layers) throws IOException {
    for (int i = layers.layerCount() - 1; i >= 0; i--) {
      TarHeader first = layers.firstEntry(i);
      if (first != null && first.path().isRoot() && first.type().isDirectory()) {
        return new Found(first, i);
      }
    }
    return null;
  }
}
