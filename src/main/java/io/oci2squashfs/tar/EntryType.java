package io.oci2squashfs.tar;

/**
 * The kinds of entry a merged filesystem holds; sparse and contiguous files are plain {@link
 * #FILE}s.
 */
public enum EntryType {
  FILE('0'),
  HARDLINK('1'),
  SYMLINK('2'),
  CHAR_DEVICE('3'),
  BLOCK_DEVICE('4'),
  DIRECTORY('5'),
  FIFO('6');

  private final char typeFlag;

  EntryType(char typeFlag) {
    this.typeFlag = typeFlag;
  }

  /** The USTAR typeflag byte written for this type. */
  public char typeFlag() {
    return typeFlag;
  }

  public boolean isDirectory() {
    return this == DIRECTORY;
  }

  public boolean isDevice() {
    return this == CHAR_DEVICE || this == BLOCK_DEVICE;
  }
}
