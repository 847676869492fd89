package io.oci2squashfs.verity;

import java.util.Arrays;
import java.util.UUID;

/**
 * A tree as written: the root hash to publish, and what {@code veritysetup open} or the kernel
 * table needs besides (the hash offset, the block counts; salt and uuid are in the superblock too).
 */
public record VerityResult(
    byte[] rootHash,
    byte[] salt,
    UUID uuid,
    long hashOffset,
    long dataBlocks,
    int dataBlockSize,
    int hashBlockSize,
    String algorithm,
    long hashAreaSize) {
  public VerityResult {
    rootHash = rootHash.clone();
    salt = salt.clone();
  }

  @Override
  public byte[] rootHash() {
    return rootHash.clone();
  }

  @Override
  public byte[] salt() {
    return salt.clone();
  }

  /** Lowercase hex, as {@code veritysetup} prints it and takes it back. */
  public String rootHashHex() {
    return Hex.of(rootHash);
  }

  public String saltHex() {
    return Hex.of(salt);
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof VerityResult r
        && Arrays.equals(rootHash, r.rootHash)
        && Arrays.equals(salt, r.salt)
        && uuid.equals(r.uuid)
        && hashOffset == r.hashOffset
        && dataBlocks == r.dataBlocks
        && dataBlockSize == r.dataBlockSize
        && hashBlockSize == r.hashBlockSize
        && algorithm.equals(r.algorithm)
        && hashAreaSize == r.hashAreaSize;
  }

  @Override
  public int hashCode() {
    return Arrays.hashCode(rootHash);
  }

  @Override
  public String toString() {
    return "VerityResult[rootHash="
        + rootHashHex()
        + ", salt="
        + saltHex()
        + ", uuid="
        + uuid
        + ", hashOffset="
        + hashOffset
        + ", dataBlocks="
        + dataBlocks
        + ", hashAreaSize="
        + hashAreaSize
        + "]";
  }
}
