package io.oci2squashfs.verify;

/** The types of filesystem object a tree holds, named as reports print them. */
public enum FileKind {
  DIRECTORY("directory"),
  FILE("file"),
  SYMLINK("symlink"),
  CHAR_DEVICE("char device"),
  BLOCK_DEVICE("block device"),
  FIFO("fifo"),
  SOCKET("socket");

  private final String label;

  FileKind(String label) {
    this.label = label;
  }

  public String label() {
    return label;
  }

  public boolean isDevice() {
    return this == CHAR_DEVICE || this == BLOCK_DEVICE;
  }

  /** The kind for the {@code S_IFMT} bits of a {@code st_mode}. */
  static FileKind ofMode(int stMode) {
    switch (stMode & 0170000) {
      case 0040000:
        return DIRECTORY;
      case 0100000:
        return FILE;
      case 0120000:
        return SYMLINK;
      case 0020000:
        return CHAR_DEVICE;
      case 0060000:
        return BLOCK_DEVICE;
      case 0010000:
        return FIFO;
      case 0140000:
        return SOCKET;
      default:
        throw new IllegalArgumentException(
            "unknown file type in mode " + Integer.toOctalString(stMode));
    }
  }
}
