package io.oci2squashfs.tar;

import static io.oci2squashfs.tar.TarConstants.BLOCK_SIZE;
import static io.oci2squashfs.tar.TarFields.fail;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;

/** Block-level input of a tar stream: header blocks, data sections and the padding after them. */
final class BlockInput {
  /** Bytes asked of the stream at once; headers and content are copied out of this buffer. */
  static final int BUFFER_SIZE = 128 * 1024;

  private final InputStream in;
  private final byte[] buf = new byte[BUFFER_SIZE];
  private int pos;
  private int lim;
  private boolean inputEnded;

  /** Bytes of the current data section not yet consumed from the stream, padding excluded. */
  private long remaining;

  private int padding;

  /** Reads {@code in}, which the caller owns and closes, and need not buffer. */
  BlockInput(InputStream in) {
    this.in = in;
  }

  /** Zero bytes that pad a data section of {@code size} bytes to a whole block. */
  static int padding(long size) {
    return (int) ((BLOCK_SIZE - (size % BLOCK_SIZE)) % BLOCK_SIZE);
  }

  static boolean isZeroBlock(byte[] b) {
    for (int i = 0; i < BLOCK_SIZE; i++) {
      if (b[i] != 0) {
        return false;
      }
    }
    return true;
  }

  /** The next data section, of {@code size} bytes and its padding, is the current one. */
  void startData(long size) {
    remaining = size;
    padding = padding(size);
  }

  /** Bytes of the current data section not yet read. */
  long dataRemaining() {
    return remaining;
  }

  /** Bytes already read from the stream and not yet consumed. */
  int buffered() {
    return lim - pos;
  }

  private boolean fill() throws IOException {
    if (inputEnded) {
      return false;
    }
    int n;
    do {
      n = in.read(buf, 0, buf.length);
    } while (n == 0);
    if (n < 0) {
      inputEnded = true;
      return false;
    }
    pos = 0;
    lim = n;
    return true;
  }

  /**
   * Reads one block; false at a clean end of input, TarFormatException if it ends inside the block.
   */
  boolean readBlock(byte[] dst, long number) throws IOException {
    int got = 0;
    while (got < BLOCK_SIZE) {
      if (pos == lim && !fill()) {
        if (got == 0) {
          return false;
        }
        throw fail(number, null, "truncated: the stream ends inside a header");
      }
      int n = Math.min(BLOCK_SIZE - got, lim - pos);
      System.arraycopy(buf, pos, dst, got, n);
      pos += n;
      got += n;
    }
    return true;
  }

  /**
   * Reads up to {@code len} (at least 1) bytes of the current data section; -1 if the input ends.
   */
  int readData(byte[] b, int off, int len) throws IOException {
    if (pos == lim) {
      if (len >= buf.length && !inputEnded) {
        // A large read gains nothing from passing through the buffer.
        int n;
        do {
          n = in.read(b, off, len);
        } while (n == 0);
        if (n < 0) {
          inputEnded = true;
          return -1;
        }
        remaining -= n;
        return n;
      }
      if (!fill()) {
        return -1;
      }
    }
    int n = Math.min(len, lim - pos);
    System.arraycopy(buf, pos, b, off, n);
    pos += n;
    remaining -= n;
    return n;
  }

  /** Reads exactly {@code len} bytes of the current data section; false if the input ends. */
  boolean readDataFully(byte[] b, int len) throws IOException {
    if (!readFully(b, len)) {
      return false;
    }
    remaining -= len;
    return true;
  }

  /**
   * Writes up to {@code max} (at least 1) bytes of the current data section to {@code out} straight
   * from the buffer; -1 if the input ends.
   */
  int writeData(OutputStream out, long max) throws IOException {
    if (pos == lim && !fill()) {
      return -1;
    }
    int n = (int) Math.min(lim - pos, max);
    out.write(buf, pos, n);
    pos += n;
    remaining -= n;
    return n;
  }

  /**
   * Reads the whole data section of a meta header (PAX, GNU long name) into {@code dst}, and its
   * padding; false if the input ends first.
   */
  boolean readPadded(byte[] dst) throws IOException {
    return readFully(dst, dst.length) && skip(padding(dst.length));
  }

  private boolean readFully(byte[] dst, int len) throws IOException {
    int got = 0;
    while (got < len) {
      if (pos == lim && !fill()) {
        return false;
      }
      int n = Math.min(len - got, lim - pos);
      System.arraycopy(buf, pos, dst, got, n);
      pos += n;
      got += n;
    }
    return true;
  }

  /** Skips the rest of the current data section and its padding; false if the input ends. */
  boolean skipDataAndPadding() throws IOException {
    if (!skip(remaining + padding)) {
      return false;
    }
    remaining = 0;
    padding = 0;
    return true;
  }

  /**
   * Discards {@code n} bytes by reading them; false if the input ends first. {@code
   * InputStream.skip} is not used: on a file it may seek past the end without complaint, hiding a
   * truncated archive.
   */
  boolean skip(long n) throws IOException {
    while (n > 0) {
      if (pos == lim && !fill()) {
        return false;
      }
      int k = (int) Math.min(n, lim - pos);
      pos += k;
      n -= k;
      remaining = Math.max(0, remaining - k);
    }
    return true;
  }
}
