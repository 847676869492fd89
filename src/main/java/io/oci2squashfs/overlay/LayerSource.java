package io.oci2squashfs.overlay;

import io.oci2squashfs.tar.TarHeader;
import java.io.IOException;

/**
 * The layers of one image. Layers are numbered from the base, 0, to {@code layerCount() - 1}, the
 * newest; the merge visits them newest first. A layer may be opened more than once: the merge reads
 * a layer a second time to recover content that a surviving hard link needs.
 */
public interface LayerSource {
  int layerCount();

  /** Opens layer {@code index} from its start; the caller closes what it gets. */
  LayerEntries open(int index) throws IOException;

  /**
   * The first entry of layer {@code index}, or null for an empty layer. A source may read it more
   * cheaply than {@link #open} would (no read-ahead, no check of the whole layer), since only the
   * start of the layer is read.
   */
  default TarHeader firstEntry(int index) throws IOException {
    try (LayerEntries entries = open(index)) {
      return entries.next();
    }
  }
}
