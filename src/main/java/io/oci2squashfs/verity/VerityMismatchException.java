package io.oci2squashfs.verity;

import java.nio.file.Path;

/**
 * The first block whose hash does not match: a data block against level 0, a hash block against its
 * parent level, or the top hash block against the root hash.
 */
public final class VerityMismatchException extends VerityException {
  private static final long serialVersionUID = 1L;

  /** Which kind of block failed, so callers can tell damaged data from a damaged tree. */
  public enum Kind {
    DATA_BLOCK,
    HASH_BLOCK
  }

  private final transient Path file;
  private final Kind kind;
  private final long offset;
  private final int level;

  VerityMismatchException(Path file, Kind kind, long offset, int level, String message) {
    super(message);
    this.file = file;
    this.kind = kind;
    this.offset = offset;
    this.level = level;
  }

  /** The file holding the bad block: the data file or the hash file. */
  public Path file() {
    return file;
  }

  public Kind kind() {
    return kind;
  }

  /** Byte offset of the bad block in {@link #file()}. */
  public long offset() {
    return offset;
  }

  /** Tree level of a bad hash block (0 = the level hashing the data); -1 for a data block. */
  public int level() {
    return level;
  }
}
