package io.oci2squashfs.image;

import java.io.IOException;
import java.io.InputStream;

/**
 * One layer of an image, not yet opened.
 *
 * @param index position from the base layer, which is 0
 * @param digest the digest of the blob as stored, or null when the image does not say (a {@code
 *     docker save} directory with {@code <id>/layer.tar} paths)
 * @param diffId the digest of the uncompressed tar from the config's {@code rootfs.diff_ids}, or
 *     null when the config has none for this position
 * @param mediaType the media type the image gives, or null when it gives none (then the bytes
 *     decide the compression)
 * @param size the blob's size in bytes, or -1 when unknown
 * @param location where the blob is, for messages: its path relative to the image directory
 * @param opener opens the blob
 */
public record Layer(
    int index,
    Digest digest,
    Digest diffId,
    String mediaType,
    long size,
    String location,
    Opener opener) {

  /** Opens a blob's bytes as stored. */
  @FunctionalInterface
  public interface Opener {
    InputStream open() throws IOException;

    /**
     * Opens the blob to read only its start (the root probe): a registry serves that at once,
     * without waiting for the whole blob to arrive.
     */
    default InputStream openStart() throws IOException {
      return open();
    }

    /**
     * Hears, once a reader has read the blob whole, whether it matched its digest and size: a cache
     * keeps a download that did, and drops a copy that did not.
     *
     * @return a sentence to add to the mismatch's message, or null
     */
    default String checked(boolean matched) throws IOException {
      return null;
    }
  }

  public Layer {
    if (index < 0) {
      throw new IllegalArgumentException("layer index must be >= 0: " + index);
    }
    if (location == null || opener == null) {
      throw new IllegalArgumentException("a layer needs a location and an opener");
    }
  }

  /**
   * Opens the blob as stored: still compressed, and not checked against {@link #digest()} (a later
   * stage verifies while streaming). The caller closes the stream.
   */
  public InputStream open() throws IOException {
    return opener.open();
  }

  /** Opens the start of the blob, for a reader that needs only its first entry. */
  public InputStream openStart() throws IOException {
    return opener.openStart();
  }

  /**
   * The best name for this layer in messages: the digest, else the diff id, else the location.
   * Suitable as the {@code digest} of a {@code LayerException}.
   */
  public String label() {
    if (digest != null) {
      return digest.toString();
    }
    return diffId != null ? diffId.toString() : location;
  }
}
