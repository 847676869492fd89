package io.oci2squashfs.convert;

import io.oci2squashfs.image.Image;

/** Hears what a conversion is doing. Layer indices count from the base, 0; the merge goes newest first. */
public interface ConvertListener {
  ConvertListener NONE = new ConvertListener() {};

  default void imageLoaded(Image image) {}

  default void mksquashfsStarted(java.util.List<String> command) {}

  default void layerStarted(int layer, int layerCount, String digest, long size) {}

  /** Compressed bytes read from the current layer's blob so far. */
  default void layerProgress(int layer, long bytesRead) {}

  default void layerFinished(int layer, int layerCount) {}

  /** Something the conversion resolved by a rule but that a user should know; already says which layer and entry. */
  default void warning(String message) {}
}
