package io.oci2squashfs.imagewrite;

import io.oci2squashfs.image.Digest;
import java.nio.file.Path;
import java.util.Objects;

/**
 * A layer blob made by this tool, ready to go into an image.
 *
 * @param blob the compressed blob on disk
 * @param digest the blob's digest
 * @param size the blob's size in bytes
 * @param diffId the digest of the uncompressed tar
 * @param mediaType its OCI media type
 */
public record NewLayer(Path blob, Digest digest, long size, Digest diffId, String mediaType) {
  public NewLayer {
    Objects.requireNonNull(blob, "blob");
    Objects.requireNonNull(digest, "digest");
    Objects.requireNonNull(diffId, "diffId");
    Objects.requireNonNull(mediaType, "mediaType");
  }
}
