package io.oci2squashfs.verity;

import java.nio.file.Path;

/**
 * The names beside an image that systemd (nspawn, dissect, portable services) looks for, and that
 * convert writes and verify reads: {@code IMAGE.roothash} and the sidecar {@code IMAGE.verity}.
 */
public final class VerityFiles {
  private VerityFiles() {}

  /** {@code IMAGE.roothash}: the root hash in lowercase hex and a newline. */
  public static Path rootHashFile(Path image) {
    return image.resolveSibling(image.getFileName() + ".roothash");
  }

  /** {@code IMAGE.verity}: the hash device, its superblock at byte 0. */
  public static Path sidecarFile(Path image) {
    return image.resolveSibling(image.getFileName() + ".verity");
  }
}
