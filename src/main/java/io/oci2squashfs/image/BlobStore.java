package io.oci2squashfs.image;

import java.io.IOException;
import java.util.List;

/**
 * Where an image's blobs are read from by digest: an OCI image layout's {@code blobs/} directory,
 * or a registry. {@link ManifestResolver} walks indexes and manifests through it.
 */
public interface BlobStore {
  /**
   * Reads a manifest or index whole, checked against its digest and (when not -1) its size.
   *
   * @param where the context a message starts with
   * @throws ImageFormatException when it is missing, of another size, or does not match its digest
   */
  byte[] readManifest(Digest digest, long size, String where) throws IOException;

  /** Reads an image config whole, checked as {@link #readManifest} is. */
  byte[] readConfig(Digest digest, long size, String where) throws IOException;

  /**
   * The layer with this descriptor, not yet opened: its opener reads the blob as stored.
   *
   * @param urls where a non-distributable layer is fetched from, as its descriptor says (for
   *     messages)
   * @throws ImageFormatException when the store knows already that the blob is missing or of
   *     another size
   */
  Layer layer(
      int index,
      Digest digest,
      Digest diffId,
      String mediaType,
      long size,
      List<String> urls,
      String where)
      throws IOException;
}
