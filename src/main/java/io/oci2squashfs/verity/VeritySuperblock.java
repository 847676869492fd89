package io.oci2squashfs.verity;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.UUID;

/**
 * The 512-byte header {@code veritysetup} puts at the start of the hash area (cryptsetup's {@code
 * struct verity_sb}, little-endian). It records everything but the root hash, which the caller must
 * get from somewhere trusted.
 */
public record VeritySuperblock(
    int version,
    int hashType,
    UUID uuid,
    String algorithm,
    int dataBlockSize,
    int hashBlockSize,
    long dataBlocks,
    byte[] salt) {
  public static final int SIZE = 512;
  static final byte[] SIGNATURE = "verity\0\0".getBytes(StandardCharsets.US_ASCII);

  public VeritySuperblock {
    salt = salt.clone();
  }

  @Override
  public byte[] salt() {
    return salt.clone();
  }

  static VeritySuperblock of(VerityParameters p, long dataBlocks) {
    return new VeritySuperblock(
        1, 1, p.uuid(), p.algorithm(), p.dataBlockSize(), p.hashBlockSize(), dataBlocks, p.salt());
  }

  VerityParameters parameters() {
    return new VerityParameters(salt, uuid);
  }

  byte[] toBytes() {
    ByteBuffer b = ByteBuffer.allocate(SIZE).order(ByteOrder.LITTLE_ENDIAN);
    b.put(SIGNATURE).putInt(version).putInt(hashType);
    // uuid[16] holds the bytes in the order the string reads, not little-endian
    b.order(ByteOrder.BIG_ENDIAN)
        .putLong(uuid.getMostSignificantBits())
        .putLong(uuid.getLeastSignificantBits());
    b.order(ByteOrder.LITTLE_ENDIAN);
    byte[] alg = algorithm.getBytes(StandardCharsets.US_ASCII);
    b.put(Arrays.copyOf(alg, 32));
    b.putInt(dataBlockSize).putInt(hashBlockSize).putLong(dataBlocks);
    b.putShort((short) salt.length).put(new byte[6]).put(Arrays.copyOf(salt, 256));
    return b.array();
  }

  /** True if {@code b} starts with {@code "verity\0\0"}, whatever follows. */
  static boolean hasSignature(ByteBuffer b) {
    if (b.remaining() < SIGNATURE.length) {
      return false;
    }
    byte[] sig = new byte[SIGNATURE.length];
    b.duplicate().get(sig);
    return Arrays.equals(sig, SIGNATURE);
  }

  /**
   * Reads and validates a superblock; anything this package cannot check (other versions, hash
   * types, algorithms or block sizes) is refused with a message naming {@code file}.
   */
  static VeritySuperblock parse(ByteBuffer in, String file) throws VerityException {
    if (in.remaining() < SIZE || !hasSignature(in)) {
      throw new VerityException(file + ": no verity superblock (signature \"verity\\0\\0\")");
    }
    ByteBuffer b = in.duplicate().order(ByteOrder.LITTLE_ENDIAN);
    b.position(b.position() + SIGNATURE.length);
    int version = b.getInt();
    int hashType = b.getInt();
    b.order(ByteOrder.BIG_ENDIAN);
    UUID uuid = new UUID(b.getLong(), b.getLong());
    b.order(ByteOrder.LITTLE_ENDIAN);
    byte[] alg = new byte[32];
    b.get(alg);
    int len = 0;
    while (len < alg.length && alg[len] != 0) {
      len++;
    }
    String algorithm = new String(alg, 0, len, StandardCharsets.US_ASCII);
    int dataBlockSize = b.getInt();
    int hashBlockSize = b.getInt();
    long dataBlocks = b.getLong();
    int saltSize = Short.toUnsignedInt(b.getShort());
    b.position(b.position() + 6);
    if (version != 1) {
      throw new VerityException(file + ": verity superblock version " + version + ", expected 1");
    }
    if (hashType != 1) {
      throw new VerityException(
          file + ": verity hash type " + hashType + " unsupported, only 1 (not chromeos)");
    }
    if (!algorithm.equals(VerityParameters.ALGORITHM)) {
      throw new VerityException(file + ": verity algorithm " + algorithm + " unsupported");
    }
    if (dataBlockSize != VerityParameters.BLOCK_SIZE
        || hashBlockSize != VerityParameters.BLOCK_SIZE) {
      throw new VerityException(
          file
              + ": verity block sizes "
              + dataBlockSize
              + "/"
              + hashBlockSize
              + " unsupported, only 4096/4096");
    }
    if (saltSize > VerityParameters.MAX_SALT) {
      throw new VerityException(file + ": verity salt size " + saltSize + " over 256");
    }
    if (dataBlocks <= 0 || dataBlocks > Long.MAX_VALUE / dataBlockSize) {
      throw new VerityException(file + ": verity data block count " + dataBlocks + " invalid");
    }
    byte[] salt = new byte[saltSize];
    b.get(salt);
    return new VeritySuperblock(
        version, hashType, uuid, algorithm, dataBlockSize, hashBlockSize, dataBlocks, salt);
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof VeritySuperblock s
        && version == s.version
        && hashType == s.hashType
        && uuid.equals(s.uuid)
        && algorithm.equals(s.algorithm)
        && dataBlockSize == s.dataBlockSize
        && hashBlockSize == s.hashBlockSize
        && dataBlocks == s.dataBlocks
        && Arrays.equals(salt, s.salt);
  }

  @Override
  public int hashCode() {
    return Arrays.hashCode(salt) * 31 + uuid.hashCode() + Long.hashCode(dataBlocks);
  }

  @Override
  public String toString() {
    return "VeritySuperblock[version="
        + version
        + ", hashType="
        + hashType
        + ", uuid="
        + uuid
        + ", algorithm="
        + algorithm
        + ", dataBlocks="
        + dataBlocks
        + ", salt="
        + Hex.of(salt)
        + "]";
  }
}
