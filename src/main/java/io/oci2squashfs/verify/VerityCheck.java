package io.oci2squashfs.verify;

import java.nio.file.Path;
import java.util.Objects;

/**
 * What the dm-verity check of an image found: every block checked against the root hash, or the
 * first that did not match.
 *
 * @param rootHash the root hash checked against, lowercase hex
 * @param rootHashFrom where it came from: {@code --root-hash}, a {@code .roothash} file, or {@code
 *     "the tree itself"} when none was known
 * @param authenticated whether the root hash came from outside the image (given or from a file);
 *     false when it is the one the tree implies, which proves only that the tree is consistent
 * @param dataBlocks 4096-byte blocks the tree covers
 * @param hashFile the file holding the tree: the image (appended) or the {@code --verity-data} file
 * @param hashOffset where the tree's superblock is in {@code hashFile}
 * @param failure the first bad block, or null if all matched
 */
public record VerityCheck(
    String rootHash,
    String rootHashFrom,
    boolean authenticated,
    long dataBlocks,
    Path hashFile,
    long hashOffset,
    Failure failure) {
  public VerityCheck {
    Objects.requireNonNull(rootHash, "rootHash");
    Objects.requireNonNull(rootHashFrom, "rootHashFrom");
    Objects.requireNonNull(hashFile, "hashFile");
  }

  /**
   * The first block that did not match.
   *
   * @param kind {@code data} or {@code hash}
   * @param file the file holding it
   * @param offset its byte offset in {@code file}
   * @param level its tree level (0 hashes the data), -1 for a data block
   * @param message one line naming file and offset
   */
  public record Failure(String kind, Path file, long offset, int level, String message) {}

  public boolean ok() {
    return failure == null;
  }

  /** Whether the tree lies in the image after the filesystem, not in a separate file. */
  public boolean appended(Path image) {
    return hashFile.equals(image);
  }
}
