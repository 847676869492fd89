package io.oci2squashfs.overlay;

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
}
