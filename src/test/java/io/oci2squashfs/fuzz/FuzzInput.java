package io.oci2squashfs.fuzz;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * How fuzz targets cut their input bytes. The first byte holds flags: its low two bits are the
 * number of layers less one (at most three layers), bit 2 asks for every tar header's checksum to
 * be recomputed, so that mutations reach past the checksum test. Then, for every layer but the
 * last, a 4-byte big-endian length and that many bytes; the last layer is the rest.
 */
final class FuzzInput {
  static final int FIX_CHECKSUMS = 4;

  private FuzzInput() {}

  static List<byte[]> layers(byte[] data) {
    if (data.length == 0) {
      return List.of(new byte[0]);
    }
    int flags = data[0] & 0xff;
    int count = (flags & 3) + 1;
    ByteBuffer in = ByteBuffer.wrap(data, 1, data.length - 1);
    List<byte[]> layers = new ArrayList<>();
    for (int i = 0; i < count - 1 && in.remaining() >= 4; i++) {
      int len = (int) Math.min(Integer.toUnsignedLong(in.getInt()), in.remaining());
      byte[] layer = new byte[len];
      in.get(layer);
      layers.add(layer);
    }
    byte[] rest = new byte[in.remaining()];
    in.get(rest);
    layers.add(rest);
    if ((flags & FIX_CHECKSUMS) != 0) {
      layers.forEach(FuzzInput::fixChecksums);
    }
    return layers;
  }

  /** The inverse of {@link #layers}: the bytes that cut into these layers. */
  static byte[] join(boolean fixChecksums, byte[]... layers) {
    if (layers.length < 1 || layers.length > 4) {
      throw new IllegalArgumentException("1 to 4 layers");
    }
    int size = 1 + Arrays.stream(layers).mapToInt(l -> l.length).sum() + 4 * (layers.length - 1);
    ByteBuffer out = ByteBuffer.allocate(size);
    out.put((byte) ((layers.length - 1) | (fixChecksums ? FIX_CHECKSUMS : 0)));
    for (int i = 0; i < layers.length; i++) {
      if (i < layers.length - 1) {
        out.putInt(layers[i].length);
      }
      out.put(layers[i]);
    }
    return out.array();
  }

  /**
   * Walks the tar as a reader would (header, then the blocks its octal size field covers) and
   * writes a correct checksum into every non-zero header block.
   */
  static void fixChecksums(byte[] tar) {
    long off =
        0; // a long: a huge size field must not wrap it round (a crash the fuzzer found here)
    while (off + 512 <= tar.length) {
      int o = (int) off;
      boolean zero = true;
      for (int i = o; i < o + 512 && zero; i++) {
        zero = tar[i] == 0;
      }
      if (zero) {
        off += 512;
        continue;
      }
      Arrays.fill(tar, o + 148, o + 156, (byte) ' ');
      long sum = 0;
      for (int i = o; i < o + 512; i++) {
        sum += tar[i] & 0xff;
      }
      String octal = String.format("%06o", sum & 0777777);
      for (int i = 0; i < 6; i++) {
        tar[o + 148 + i] = (byte) octal.charAt(i);
      }
      tar[o + 154] = 0;
      long size = octalOrZero(tar, o + 124, 12);
      byte type = tar[o + 156];
      boolean headerOnly =
          type == '1' || type == '2' || type == '3' || type == '4' || type == '5' || type == '6';
      off += 512;
      if (!headerOnly) {
        off += (size + 511) / 512 * 512;
      }
    }
  }

  private static long octalOrZero(byte[] b, int off, int len) {
    long x = 0;
    for (int i = off; i < off + len; i++) {
      int c = b[i];
      if (c == ' ' || c == 0) {
        if (x != 0) {
          break;
        }
        continue;
      }
      if (c < '0' || c > '7' || x > (1L << 40)) {
        return 0;
      }
      x = x * 8 + (c - '0');
    }
    return x;
  }

  /** An expected refusal must say what is wrong. */
  static void requireMessage(Exception e) {
    if (e.getMessage() == null || e.getMessage().isBlank()) {
      throw new AssertionError("an exception without a message", e);
    }
  }
}
