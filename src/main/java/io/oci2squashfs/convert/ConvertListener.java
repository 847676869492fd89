package io.oci2squashfs.convert;

import io.oci2squashfs.image.Image;
import io.oci2squashfs.registry.PullListener;
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
public interface ConvertListener extends PullListener {
  /** Hears nothing. */
  ConvertListener NONE = new ConvertListener() {};

  /**
   * The image was found and its manifest and config read and checked; no layer is read yet.
   *
   * @param image the platform, manifest and layers (with their blob sizes) chosen
   */
  default void imageLoaded(Image image) {}

  /**
   * The filesystem builder (mksquashfs or mkfs.erofs) was started.
   *
   * @param command its command line, the executable first
   */
  default void builderStarted(List<String> command) {}

  /**
   * The merged entries have begun to stream to the output, at the start of each pass.
   *
   * @param tarBytesWritten how many bytes were written so far in this pass (of merged tar; for a
   *     directory, of file content); may be called from any thread
   */
  default void streamStarted(LongSupplier tarBytesWritten) {}

  /**
   * The merge starts reading layer {@code layer}.
   *
   * @param layer the layer's index, 0 for the base
   * @param layerCount how many layers the image has
   * @param digest the layer's blob digest (or, for a docker save without one, its diff id or file
   *     name)
   * @param size the blob's size in bytes as the manifest gives it, or -1 when unknown
   */
  default void layerStarted(int layer, int layerCount, String digest, long size) {}

  /**
   * Reports how far a layer's blob has been read, every few MiB and when it is closed. A layer may
   * also be read outside its turn (a hard link's target copied from an older layer), so {@code
   * layer} need not be the one last started.
   *
   * @param layer the layer's index, 0 for the base
   * @param bytesRead compressed bytes read from its blob so far
   */
  default void layerProgress(int layer, long bytesRead) {}

  /**
   * The merge has read all of layer {@code layer}.
   *
   * @param layer the layer's index, 0 for the base
   * @param layerCount how many layers the image has
   */
  default void layerFinished(int layer, int layerCount) {}

  /**
   * Every layer is read and the merged stream ended; the output is being completed: mksquashfs
   * compressing the rest and writing its tables, or a tar or directory being renamed into place.
   */
  default void finishing() {}

  /**
   * Something the conversion resolved by a rule but that a user should know: a path both a file and
   * a parent in different layers, a time squashfs cannot hold, a second pass and why.
   *
   * @param message one line, already naming the layer and entry
   */
  default void warning(String message) {}
}
