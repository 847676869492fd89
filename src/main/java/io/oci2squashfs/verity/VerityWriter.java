package io.oci2squashfs.verity;

import static java.nio.file.StandardOpenOption.CREATE;
import static java.nio.file.StandardOpenOption.READ;
import static java.nio.file.StandardOpenOption.TRUNCATE_EXISTING;
import static java.nio.file.StandardOpenOption.WRITE;

import java.io.IOException;
import java.io.InterruptedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.Arrays;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * Writes a dm-verity tree in one sequential pass over the data. Each level keeps only the hash
 * block it is filling: a full block is written at its place (known in advance from the data size)
 * and its digest goes up a level, so memory is a few blocks per level whatever the image size.
 */
public final class VerityWriter {
  /** Large reads keep the pass sequential and the syscall count low. */
  static final int CHUNK = 1 << 20;

  private VerityWriter() {}

  /**
   * Appends zeros to {@code file} up to the next multiple of 4096 (the data block size), since
   * dm-verity only covers whole blocks; returns the new size.
   */
  public static long padToBlock(Path file) throws IOException {
    try (FileChannel ch = FileChannel.open(file, WRITE)) {
      long size = ch.size();
      long padded = (size + VerityLayout.BLOCK - 1) / VerityLayout.BLOCK * VerityLayout.BLOCK;
      ByteBuffer zeros = ByteBuffer.allocate((int) (padded - size));
      long at = size;
      while (zeros.hasRemaining()) {
        at += ch.write(zeros, at);
      }
      return padded;
    }
  }

  /**
   * Appends the tree to {@code image}, whose size must already be a multiple of 4096 (see {@link
   * #padToBlock}); the hash offset is that size, as {@code veritysetup format IMG IMG
   * --hash-offset=SIZE} would write it.
   */
  public static VerityResult append(Path image, VerityParameters p) throws IOException {
    try (FileChannel ch = FileChannel.open(image, READ, WRITE)) {
      long size = ch.size();
      requireBlocks(image, size);
      return write(ch, size, image.toString(), ch, size, image.toString(), p);
    }
  }

  /** Writes the tree to {@code hashFile} (created or truncated) at offset 0. */
  public static VerityResult writeSidecar(Path data, Path hashFile, VerityParameters p)
      throws IOException {
    try (FileChannel in = FileChannel.open(data, READ);
        FileChannel out = FileChannel.open(hashFile, READ, WRITE, CREATE, TRUNCATE_EXISTING)) {
      long size = in.size();
      requireBlocks(data, size);
      return write(in, size, data.toString(), out, 0, hashFile.toString(), p);
    }
  }

  /**
   * Hashes the first {@code dataSize} bytes of {@code data} (a multiple of 4096) and writes
   * superblock and levels to {@code hash} from {@code hashOffset} on. The two channels may be the
   * same file if the hash area lies past the data.
   */
  public static VerityResult write(
      FileChannel data, long dataSize, FileChannel hash, long hashOffset, VerityParameters p)
      throws IOException {
    return write(data, dataSize, "data", hash, hashOffset, "hash file", p);
  }

  private static void requireBlocks(Path file, long size) throws VerityException {
    if (size == 0 || size % VerityLayout.BLOCK != 0) {
      throw new VerityException(
          file + ": size " + size + " is not a positive multiple of 4096; pad it first");
    }
  }

  static VerityResult write(
      FileChannel data,
      long dataSize,
      String dataName,
      FileChannel hash,
      long hashOffset,
      String hashName,
      VerityParameters p)
      throws IOException {
    if (dataSize <= 0 || dataSize % VerityLayout.BLOCK != 0) {
      throw new VerityException(
          dataName + ": data size " + dataSize + " is not a positive multiple of 4096");
    }
    if (data.size() < dataSize) {
      throw new VerityException(
          dataName + ": has " + data.size() + " bytes, fewer than the " + dataSize + " to hash");
    }
    long dataBlocks = dataSize / VerityLayout.BLOCK;
    VerityLayout layout = new VerityLayout(dataBlocks, hashOffset);
    SaltedSha256 sha = new SaltedSha256(p.salt());

    ByteBuffer sb = ByteBuffer.allocate(VerityLayout.BLOCK);
    sb.put(VeritySuperblock.of(p, dataBlocks).toBytes()).clear();
    writeFully(hash, sb, hashOffset);

    Level[] levels = new Level[layout.levels];
    for (int i = 0; i < levels.length; i++) {
      levels[i] = new Level(layout.levelOffset[i]);
    }
    byte[] root = new byte[VerityLayout.DIGEST];
    byte[] digest = new byte[VerityLayout.DIGEST];
    // level 0 is nearly all the work: its chunks are hashed on every core, in order of reading,
    // and their digests taken in order here
    int threads = Math.max(1, Math.min(Runtime.getRuntime().availableProcessors(), 8));
    ExecutorService pool =
        Executors.newFixedThreadPool(
            threads,
            r -> {
              Thread t = new Thread(r, "verity-hash");
              t.setDaemon(true);
              return t;
            });
    ThreadLocal<SaltedSha256> shas = ThreadLocal.withInitial(() -> new SaltedSha256(p.salt()));
    ThreadLocal<ByteBuffer> buffers =
        ThreadLocal.withInitial(() -> ByteBuffer.allocate((int) Math.min(CHUNK, dataSize)));
    try {
      ArrayDeque<Future<byte[]>> window = new ArrayDeque<>();
      long next = 0;
      while (next < dataSize || !window.isEmpty()) {
        while (next < dataSize && window.size() < 2 * threads) {
          long at = next;
          int length = (int) Math.min(CHUNK, dataSize - at);
          window.add(pool.submit(() -> chunkDigests(data, at, length, dataName, buffers, shas)));
          next += length;
        }
        byte[] digests = take(window.poll());
        for (int off = 0; off < digests.length; off += VerityLayout.DIGEST) {
          if (levels.length == 0) {
            System.arraycopy(digests, off, root, 0, VerityLayout.DIGEST);
          } else {
            System.arraycopy(digests, off, digest, 0, VerityLayout.DIGEST);
            add(levels, 0, digest, hash, sha, root);
          }
        }
      }
    } finally {
      pool.shutdown(); // not shutdownNow: an interrupt would close the shared channel
    }
    for (int i = 0; i < levels.length; i++) {
      if (levels[i].count > 0) {
        flush(levels, i, hash, sha, root);
      }
    }
    return new VerityResult(
        root,
        p.salt(),
        p.uuid(),
        hashOffset,
        dataBlocks,
        p.dataBlockSize(),
        p.hashBlockSize(),
        p.algorithm(),
        layout.hashAreaSize);
  }

  /** The level-0 digests of {@code length} bytes of data from {@code at}, one per block. */
  private static byte[] chunkDigests(
      FileChannel data,
      long at,
      int length,
      String dataName,
      ThreadLocal<ByteBuffer> buffers,
      ThreadLocal<SaltedSha256> shas)
      throws IOException {
    ByteBuffer chunk = buffers.get();
    chunk.clear().limit(length);
    readFully(data, chunk, at, dataName);
    byte[] a = chunk.array();
    SaltedSha256 sha = shas.get();
    byte[] digests = new byte[length / VerityLayout.BLOCK * VerityLayout.DIGEST];
    for (int off = 0, d = 0; off < length; off += VerityLayout.BLOCK, d += VerityLayout.DIGEST) {
      sha.digest(a, off, digests, d);
    }
    return digests;
  }

  /** A chunk's digests, or its failure as it was thrown. */
  private static byte[] take(Future<byte[]> f) throws IOException {
    try {
      return f.get();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new InterruptedIOException("interrupted while hashing");
    } catch (ExecutionException e) {
      Throwable c = e.getCause();
      if (c instanceof IOException) {
        throw (IOException) c;
      }
      if (c instanceof RuntimeException) {
        throw (RuntimeException) c;
      }
      throw new IOException(c);
    }
  }

  /** The hash block a level is filling, and where its next block goes. */
  private static final class Level {
    final byte[] block = new byte[VerityLayout.BLOCK];
    int count;
    long next;

    Level(long offset) {
      next = offset;
    }
  }

  private static void add(
      Level[] levels, int i, byte[] digest, FileChannel hash, SaltedSha256 sha, byte[] root)
      throws IOException {
    Level l = levels[i];
    System.arraycopy(digest, 0, l.block, l.count * VerityLayout.DIGEST, VerityLayout.DIGEST);
    if (++l.count == VerityLayout.PER_BLOCK) {
      flush(levels, i, hash, sha, root);
    }
  }

  private static void flush(Level[] levels, int i, FileChannel hash, SaltedSha256 sha, byte[] root)
      throws IOException {
    Level l = levels[i];
    writeFully(hash, ByteBuffer.wrap(l.block), l.next);
    l.next += VerityLayout.BLOCK;
    byte[] d = sha.digest(l.block, 0);
    Arrays.fill(l.block, (byte) 0);
    l.count = 0;
    if (i + 1 < levels.length) {
      add(levels, i + 1, d, hash, sha, root);
    } else {
      System.arraycopy(d, 0, root, 0, d.length); // the top level is a single block
    }
  }

  static void readFully(FileChannel ch, ByteBuffer b, long at, String name) throws IOException {
    long end = at + b.remaining();
    while (b.hasRemaining()) {
      int n = ch.read(b, at);
      if (n < 0) {
        throw new VerityException(name + ": ends at byte " + at + ", expected " + end + " bytes");
      }
      at += n;
    }
    b.flip();
  }

  private static void writeFully(FileChannel ch, ByteBuffer b, long at) throws IOException {
    while (b.hasRemaining()) {
      at += ch.write(b, at);
    }
  }
}
