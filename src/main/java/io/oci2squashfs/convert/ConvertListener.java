package io.oci2squashfs.convert;

import io.oci2squashfs.image.Image;
import java.util.List;
import java.util.function.LongSupplier;

/**
 * Hears what a conversion is doing, for progress displays and logs. Every method has an empty
 * default, so a listener overrides only what it needs.
 *
 * <p>Layer indices count from the base, 0; the merge reads them newest first, so a pass over the
 * image goes from {@code layerCount - 1} down to 0. An image is read once, or again from its newest
 * layer when the first reading found something that needs a second pass (a warning says why).
 *
 * <p>Calls come from the converting thread, except that {@link #layerProgress} may come from a
 * thread that reads ahead; an implementation that shares state between them synchronizes.
 */
public interface ConvertListener {
  /** Hears nothing. */
  ConvertListener NONE = new ConvertListener() {};

  /** The image was found and its manifest and config read and checked; no layer is read yet. */
  default void imageLoaded(Image image) {}

  /** mksquashfs was started with this command line. */
  default void mksquashfsStarted(List<String> command) {}

  /**
   * The merged tar has begun to stream to mksquashfs, at the start of each pass.
   *
   * @param tarBytesWritten how many bytes of merged tar were written so far in this pass; may be
   *     called from any thread
   */
  default void streamStarted(LongSupplier tarBytesWritten) {}

  /**
   * The merge starts reading layer {@code layer}.
   *
   * @param digest the layer's blob digest (or, for a docker save without one, its diff id or file name)
   * @param size the blob's size in bytes as the manifest gives it, or -1 when unknown
   */
  default void layerStarted(int layer, int layerCount, String digest, long size) {}

  /** Compressed bytes read from layer {@code layer}'s blob so far; reported every few MiB. */
  default void layerProgress(int layer, long bytesRead) {}

  default void layerFinished(int layer, int layerCount) {}

  /** Every layer is read and the tar stream closed; mksquashfs is compressing the rest and writing its tables. */
  default void mksquashfsFinishing() {}

  /** Something the conversion resolved by a rule but that a user should know; already says which layer and entry. */
  default void warning(String message) {}
}
