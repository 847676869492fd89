package io.oci2squashfs.verity;

import static java.nio.file.StandardOpenOption.READ;

import io.oci2squashfs.verity.VerityMismatchException.Kind;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Optional;

/**
 * Checks a tree against the data and a trusted root hash. It goes root first: the top hash block
 * against the root hash, each level against the one above, then the data against level 0. So the
 * first mismatch blames the block that is really wrong, not the data under a damaged hash block
 * (where {@code veritysetup verify}, going bottom up, names the data position).
 */
public final class VerityChecker {
  private VerityChecker() {}

  /**
   * Looks for a tree appended to {@code image} after a filesystem of {@code fsSize} bytes: the
   * superblock sits at {@code fsSize} rounded up to 4096. Empty if the signature is not there; an
   * exception if it is but the superblock is unusable.
   */
  public static Optional<VeritySuperblock> findAppended(Path image, long fsSize)
      throws IOException {
    long offset = appendedOffset(fsSize);
    try (FileChannel ch = FileChannel.open(image, READ)) {
      if (ch.size() < offset + VeritySuperblock.SIZE) {
        return Optional.empty();
      }
      ByteBuffer b = ByteBuffer.allocate(VeritySuperblock.SIZE);
      VerityWriter.readFully(ch, b, offset, image.toString());
      if (!VeritySuperblock.hasSignature(b)) {
        return Optional.empty();
      }
      return Optional.of(VeritySuperblock.parse(b, image.toString()));
    }
  }

  /** Where an appended tree starts for a filesystem of {@code fsSize} bytes. */
  public static long appendedOffset(long fsSize) {
    return (fsSize + VerityLayout.BLOCK - 1) / VerityLayout.BLOCK * VerityLayout.BLOCK;
  }

  /** Reads and validates the superblock at {@code hashOffset} in {@code hashFile}. */
  public static VeritySuperblock readSuperblock(Path hashFile, long hashOffset) throws IOException {
    try (FileChannel ch = FileChannel.open(hashFile, READ)) {
      return readSuperblock(ch, hashOffset, hashFile.toString());
    }
  }

  private static VeritySuperblock readSuperblock(FileChannel ch, long offset, String name)
      throws IOException {
    if (ch.size() < offset + VeritySuperblock.SIZE) {
      throw new VerityException(name + ": no verity superblock at byte " + offset + " (too short)");
    }
    ByteBuffer b = ByteBuffer.allocate(VeritySuperblock.SIZE);
    VerityWriter.readFully(ch, b, offset, name);
    return VeritySuperblock.parse(b, name);
  }

  /**
   * Checks every block of the first {@code dataSize} bytes of {@code data} and every hash block of
   * the tree whose superblock is at {@code hashOffset} in {@code hashFile} (which may be the same
   * file) against {@code expectedRootHex}. Returns the superblock; throws {@link
   * VerityMismatchException} at the first bad block.
   */
  public static VeritySuperblock check(
      Path data, long dataSize, Path hashFile, long hashOffset, String expectedRootHex)
      throws IOException {
    byte[] expectedRoot = parseRoot(expectedRootHex);
    try (FileChannel dc = FileChannel.open(data, READ);
        FileChannel hc = FileChannel.open(hashFile, READ)) {
      VeritySuperblock sb = readSuperblock(hc, hashOffset, hashFile.toString());
      if (dataSize != sb.dataBlocks() * VerityLayout.BLOCK) {
        throw new VerityException(
            hashFile
                + ": verity superblock covers "
                + sb.dataBlocks()
                + " data blocks, not the "
                + dataSize
                + " bytes expected");
      }
      if (dc.size() < dataSize) {
        throw new VerityException(data + ": " + dc.size() + " bytes, fewer than " + dataSize);
      }
      if (hashOffset % VerityLayout.BLOCK != 0) {
        throw new VerityException(hashFile + ": hash offset " + hashOffset + " not 4096-aligned");
      }
      VerityLayout layout = new VerityLayout(sb.dataBlocks(), hashOffset);
      if (hc.size() < hashOffset + layout.hashAreaSize) {
        throw new VerityException(
            hashFile
                + ": "
                + hc.size()
                + " bytes, too short for a hash area ending at byte "
                + (hashOffset + layout.hashAreaSize));
      }
      new Run(sb, layout, dc, data, hc, hashFile).check(expectedRoot);
      return sb;
    }
  }

  private static byte[] parseRoot(String hex) {
    byte[] root;
    try {
      root = Hex.parse(hex);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("root hash is not hex: " + hex, e);
    }
    if (root.length != VerityLayout.DIGEST) {
      throw new IllegalArgumentException("root hash is not 32 bytes of sha256: " + hex);
    }
    return root;
  }

  /** One check's state: the files and the parent hash block cached while a level is walked. */
  private static final class Run {
    final VerityLayout layout;
    final SaltedSha256 sha;
    final FileChannel dc;
    final Path data;
    final FileChannel hc;
    final Path hashFile;
    final byte[] digest = new byte[VerityLayout.DIGEST];
    final ByteBuffer parent = ByteBuffer.allocate(VerityLayout.BLOCK);
    long parentAt = -1;

    Run(
        VeritySuperblock sb,
        VerityLayout layout,
        FileChannel dc,
        Path data,
        FileChannel hc,
        Path hashFile) {
      this.layout = layout;
      this.sha = new SaltedSha256(sb.salt());
      this.dc = dc;
      this.data = data;
      this.hc = hc;
      this.hashFile = hashFile;
    }

    void check(byte[] expectedRoot) throws IOException {
      int top = layout.levels - 1;
      ByteBuffer block = ByteBuffer.allocate(VerityLayout.BLOCK);
      if (top >= 0) {
        long at = layout.levelOffset[top];
        VerityWriter.readFully(hc, block.clear(), at, hashFile.toString());
        sha.digest(block.array(), 0, digest, 0);
        if (!Arrays.equals(digest, expectedRoot)) {
          throw hashMismatch(at, top, "does not match the root hash");
        }
        for (int level = top - 1; level >= 0; level--) {
          for (long j = 0; j < layout.levelBlocks[level]; j++) {
            at = layout.levelOffset[level] + j * VerityLayout.BLOCK;
            VerityWriter.readFully(hc, block.clear(), at, hashFile.toString());
            sha.digest(block.array(), 0, digest, 0);
            if (!matchesParent(level + 1, j)) {
              throw hashMismatch(at, level, "does not match its digest in level " + (level + 1));
            }
          }
        }
      }
      ByteBuffer chunk = ByteBuffer.allocate((int) Math.min(VerityWriter.CHUNK, dataSize()));
      for (long at = 0; at < dataSize(); at += chunk.limit()) {
        chunk.clear().limit((int) Math.min(chunk.capacity(), dataSize() - at));
        VerityWriter.readFully(dc, chunk, at, data.toString());
        for (int off = 0; off < chunk.limit(); off += VerityLayout.BLOCK) {
          sha.digest(chunk.array(), off, digest, 0);
          long index = (at + off) / VerityLayout.BLOCK;
          boolean ok = top < 0 ? Arrays.equals(digest, expectedRoot) : matchesParent(0, index);
          if (!ok) {
            throw new VerityMismatchException(
                data,
                Kind.DATA_BLOCK,
                at + off,
                -1,
                data
                    + ": data block "
                    + index
                    + " at byte "
                    + (at + off)
                    + (top < 0 ? " does not match the root hash" : " does not match its hash"));
          }
        }
      }
    }

    private long dataSize() {
      return layout.dataBlocks * VerityLayout.BLOCK;
    }

    /** Compares {@link #digest} with entry {@code index} of hash level {@code level}. */
    private boolean matchesParent(int level, long index) throws IOException {
      long at = layout.levelOffset[level] + index / VerityLayout.PER_BLOCK * VerityLayout.BLOCK;
      if (at != parentAt) {
        VerityWriter.readFully(hc, parent.clear(), at, hashFile.toString());
        parentAt = at;
      }
      int from = (int) (index % VerityLayout.PER_BLOCK) * VerityLayout.DIGEST;
      return Arrays.equals(
          parent.array(), from, from + VerityLayout.DIGEST, digest, 0, VerityLayout.DIGEST);
    }

    private VerityMismatchException hashMismatch(long at, int level, String what) {
      return new VerityMismatchException(
          hashFile,
          Kind.HASH_BLOCK,
          at,
          level,
          hashFile
              + ": hash block at byte "
              + at
              + " (level "
              + level
              + ", "
              + (at - layout.hashOffset)
              + " into the hash area) "
              + what);
    }
  }
}
