package io.oci2squashfs.verity;

/**
 * Where each level of the tree lives, computed as cryptsetup's {@code hash_levels()} does: a
 * superblock block at the hash offset, then the levels root-most first, level 0 (hashing the data)
 * last. One data block needs no level at all: its own digest is the root hash.
 */
final class VerityLayout {
  static final int BLOCK = VerityParameters.BLOCK_SIZE;
  static final int DIGEST = 32;
  static final int PER_BLOCK = BLOCK / DIGEST;
  private static final int BITS = 7; // log2(PER_BLOCK)

  final long dataBlocks;
  final long hashOffset;
  final int levels;

  /** Absolute byte offset of level i in the hash file. */
  final long[] levelOffset;

  /** Number of hash blocks in level i. */
  final long[] levelBlocks;

  /** Superblock block plus all levels, in bytes. */
  final long hashAreaSize;

  VerityLayout(long dataBlocks, long hashOffset) {
    if (dataBlocks <= 0) {
      throw new IllegalArgumentException("verity needs at least one data block");
    }
    if (hashOffset < 0 || hashOffset % BLOCK != 0) {
      throw new IllegalArgumentException(
          "verity hash offset not a multiple of 4096: " + hashOffset);
    }
    this.dataBlocks = dataBlocks;
    this.hashOffset = hashOffset;
    int n = 0;
    while (BITS * n < 64 && ((dataBlocks - 1) >>> (BITS * n)) != 0) {
      n++;
    }
    levels = n;
    levelOffset = new long[n];
    levelBlocks = new long[n];
    long position = hashOffset + BLOCK;
    for (int i = n - 1; i >= 0; i--) {
      int shift = BITS * (i + 1);
      long blocks = shift >= 63 ? 1 : ceilDiv(dataBlocks, 1L << shift);
      levelOffset[i] = position;
      levelBlocks[i] = blocks;
      position += blocks * BLOCK;
    }
    hashAreaSize = position - hashOffset;
  }

  private static long ceilDiv(long a, long b) {
    return (a + b - 1) / b;
  }
}
