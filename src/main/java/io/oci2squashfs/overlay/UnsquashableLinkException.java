package io.oci2squashfs.overlay;

import io.oci2squashfs.tar.EntryPath;
import java.io.IOException;

/**
 * A layer-mode merge met a hard link that one layer cannot express: its target is in the lower
 * layers and a later merged layer replaces or removes it, so the link needs content the new layer
 * cannot name. See {@link LayerMode}.
 */
public final class UnsquashableLinkException extends IOException {
  private final int layer;
  private final EntryPath link;
  private final EntryPath target;

  UnsquashableLinkException(int layer, EntryPath link, EntryPath target) {
    super(
        "layer "
            + layer
            + ": "
            + link.display()
            + " is a hard link to "
            + target.display()
            + " of the lower layers, which a later merged layer replaces or removes; one layer"
            + " cannot say that");
    this.layer = layer;
    this.link = link;
    this.target = target;
  }

  /** The merged layer (counted from the merge's base, 0) that holds the link. */
  public int layer() {
    return layer;
  }

  public EntryPath link() {
    return link;
  }

  public EntryPath target() {
    return target;
  }
}
