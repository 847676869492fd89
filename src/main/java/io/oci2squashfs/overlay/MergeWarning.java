package io.oci2squashfs.overlay;

import io.oci2squashfs.tar.EntryPath;
import java.util.Objects;

/**
 * A warning about one entry of one layer.
 *
 * @param layer layer index, counted from the base, 0
 * @param entry the entry's path
 * @param message what happened and what the merge did about it
 */
public record MergeWarning(int layer, EntryPath entry, String message) {
  public MergeWarning {
    Objects.requireNonNull(entry, "entry");
    Objects.requireNonNull(message, "message");
  }

  @Override
  public String toString() {
    return "layer " + layer + ": " + entry.display() + ": " + message;
  }
}
