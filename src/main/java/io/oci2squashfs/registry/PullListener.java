package io.oci2squashfs.registry;

import io.oci2squashfs.image.Digest;

/** Hears how a pull goes, blob by blob. Called from the downloading threads. */
public interface PullListener {
  PullListener NONE = new PullListener() {};

  /** A blob is read from the cache, not downloaded. */
  default void cached(Digest digest, long size) {}

  /** {@code bytes} of the blob are in, of {@code size}. */
  default void progress(Digest digest, long bytes, long size) {}

  /** The connection was lost after {@code bytes}; asking again from there. */
  default void resuming(Digest digest, long bytes, String why) {}
}
