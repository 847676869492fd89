package io.oci2squashfs.verify;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Locale;

/**
 * What an image file holds, told by its magic: a squashfs ({@code "hsqs"} at byte 0) or an erofs
 * (0xE0F5E1E2 at byte 1024), and how many bytes of the file the filesystem takes. What follows the
 * filesystem (padding, an appended dm-verity tree) is not part of it.
 *
 * @param format squashfs or erofs
 * @param size the filesystem's own size in bytes: squashfs {@code bytes_used}, erofs {@code blocks
 *     << blkszbits}
 */
public record FilesystemImage(Format format, long size) {
  /** The filesystems verify reads. */
  public enum Format {
    SQUASHFS,
    EROFS;

    public String label() {
      return name().toLowerCase(Locale.ROOT);
    }
  }

  static final int SQUASHFS_MAGIC = 0x73717368; // "hsqs" read little-endian
  static final int EROFS_MAGIC = 0xE0F5E1E2;
  static final int EROFS_SUPERBLOCK = 1024;

  /** Bytes {@link #parse} looks at: the erofs superblock's fields up to {@code blocks}. */
  static final int HEADER = EROFS_SUPERBLOCK + 40;

  /** Reads the header of {@code image}; an exception naming it if it is neither format. */
  public static FilesystemImage probe(Path image) throws IOException {
    ByteBuffer b = ByteBuffer.allocate(HEADER);
    try (FileChannel ch = FileChannel.open(image, StandardOpenOption.READ)) {
      while (b.hasRemaining() && ch.read(b, b.position()) > 0) {
        // read until the header is full or the file ends
      }
    }
    b.flip();
    return parse(b, image.toString());
  }

  /**
   * Tells the format from the first bytes of a file ({@code header} may be shorter than {@link
   * #HEADER} for a short file).
   *
   * @param name the file, for the message
   */
  static FilesystemImage parse(ByteBuffer header, String name) throws IOException {
    ByteBuffer b = header.duplicate().order(ByteOrder.LITTLE_ENDIAN);
    int n = b.remaining();
    int base = b.position();
    if (n >= 4 && b.getInt(base) == SQUASHFS_MAGIC) {
      if (n < 48) {
        throw new IOException(name + ": squashfs superblock cut short (" + n + " bytes)");
      }
      long bytesUsed = b.getLong(base + 40);
      if (bytesUsed <= 0) {
        throw new IOException(name + ": squashfs superblock gives a size of " + bytesUsed);
      }
      return new FilesystemImage(Format.SQUASHFS, bytesUsed);
    }
    if (n >= EROFS_SUPERBLOCK + 4 && b.getInt(base + EROFS_SUPERBLOCK) == EROFS_MAGIC) {
      if (n < HEADER) {
        throw new IOException(name + ": erofs superblock cut short");
      }
      int blkszbits = Byte.toUnsignedInt(b.get(base + EROFS_SUPERBLOCK + 12));
      long blocks = Integer.toUnsignedLong(b.getInt(base + EROFS_SUPERBLOCK + 36));
      if (blkszbits < 9 || blkszbits > 16 || blocks == 0) {
        throw new IOException(
            name
                + ": erofs superblock unusable (blkszbits "
                + blkszbits
                + ", blocks "
                + blocks
                + ")");
      }
      return new FilesystemImage(Format.EROFS, blocks << blkszbits);
    }
    throw new IOException(name + ": not a squashfs or erofs image");
  }
}
