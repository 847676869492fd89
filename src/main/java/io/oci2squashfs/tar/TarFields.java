package io.oci2squashfs.tar;

import static io.oci2squashfs.tar.TarConstants.BLOCK_SIZE;
import static io.oci2squashfs.tar.TarConstants.CHECKSUM_LENGTH;
import static io.oci2squashfs.tar.TarConstants.CHECKSUM_OFFSET;

import java.nio.charset.StandardCharsets;

/** Decodes and checks tar header fields and PAX values: numbers, byte-for-byte text, checksum. */
final class TarFields {
  private TarFields() {}

  /**
   * Octal (padded with spaces or NULs) or, with the high bit set, GNU base-256 two's complement.
   */
  static long parseNumeric(byte[] b, int off, int len, String field, long number)
      throws TarFormatException {
    if ((b[off] & 0x80) != 0) {
      int inv = (b[off] & 0x40) != 0 ? 0xff : 0;
      long x = 0;
      for (int i = 0; i < len; i++) {
        int c = (b[off + i] & 0xff) ^ inv;
        if (i == 0) {
          c &= 0x7f;
        }
        if ((x >>> 56) != 0) {
          throw fail(number, null, "base-256 " + field + " field overflows");
        }
        x = (x << 8) | c;
      }
      if (x < 0) {
        throw fail(number, null, "base-256 " + field + " field overflows");
      }
      return inv == 0xff ? ~x : x;
    }
    try {
      return parseOctal(b, off, len);
    } catch (NumberFormatException e) {
      throw fail(
          number,
          null,
          "bad " + field + " field '" + latin1(b, off, len).replace('\0', ' ').trim() + "'");
    }
  }

  /** Octal digits between optional spaces or NULs; NumberFormatException for anything else. */
  static long parseOctal(byte[] b, int off, int len) {
    int start = off;
    int end = off + len;
    while (start < end && (b[start] == ' ' || b[start] == 0)) {
      start++;
    }
    while (end > start && (b[end - 1] == ' ' || b[end - 1] == 0)) {
      end--;
    }
    long x = 0;
    for (int i = start; i < end; i++) {
      if (b[i] == 0) {
        break; // like Go: the value ends at the first NUL
      }
      int d = b[i] - '0';
      if (d < 0 || d > 7 || (x >>> 60) != 0) {
        throw new NumberFormatException();
      }
      x = (x << 3) | d;
    }
    return x;
  }

  /**
   * Checks a header block's checksum: the sum of its bytes, with the checksum field taken as
   * spaces.
   */
  static void verifyChecksum(byte[] hdr, long number) throws TarFormatException {
    long stored;
    try {
      stored = parseOctal(hdr, CHECKSUM_OFFSET, CHECKSUM_LENGTH);
    } catch (NumberFormatException e) {
      throw fail(number, null, "bad checksum field (not a tar header?)");
    }
    long unsigned = 0;
    long signed = 0;
    for (int i = 0; i < BLOCK_SIZE; i++) {
      boolean inChecksum = i >= CHECKSUM_OFFSET && i < CHECKSUM_OFFSET + CHECKSUM_LENGTH;
      byte b = inChecksum ? (byte) ' ' : hdr[i];
      unsigned += b & 0xff;
      signed += b;
    }
    // Old writers summed signed chars; accept both like Go.
    if (stored != unsigned && stored != signed) {
      throw fail(number, null, "bad checksum (stored " + stored + ", computed " + unsigned + ")");
    }
  }

  /** Whether the block holds {@code ascii} at {@code off}. */
  static boolean matches(byte[] b, int off, String ascii) {
    for (int i = 0; i < ascii.length(); i++) {
      if (b[off + i] != (byte) ascii.charAt(i)) {
        return false;
      }
    }
    return true;
  }

  /** A decimal number of a PAX record or sparse map; {@code what} names it in the error. */
  static long parseDecimal(String text, String what, long number, String name)
      throws TarFormatException {
    try {
      return Long.parseLong(text);
    } catch (NumberFormatException e) {
      throw fail(number, name, "bad " + what + " '" + text + "'");
    }
  }

  static int toInt(long v, String what, long number) throws TarFormatException {
    return toInt(v, what, number, null);
  }

  static int toInt(long v, String what, long number, String name) throws TarFormatException {
    if (v < 0 || v > Integer.MAX_VALUE) {
      throw fail(number, name, what + " out of range: " + v);
    }
    return (int) v;
  }

  static int indexOf(byte[] a, byte b) {
    for (int i = 0; i < a.length; i++) {
      if (a[i] == b) {
        return i;
      }
    }
    return -1;
  }

  /** The field's bytes up to its first NUL, one char per byte. */
  static String cString(byte[] b, int off, int len) {
    int end = off;
    int max = off + len;
    while (end < max && b[end] != 0) {
      end++;
    }
    return latin1(b, off, end - off);
  }

  static String cString(byte[] b) {
    return cString(b, 0, b.length);
  }

  static String latin1(byte[] b) {
    return new String(b, StandardCharsets.ISO_8859_1);
  }

  static String latin1(byte[] b, int off, int len) {
    return new String(b, off, len, StandardCharsets.ISO_8859_1);
  }

  /** A type flag for messages: the character, quoted, or its hex code. */
  static String describeTypeFlag(byte flag) {
    int c = flag & 0xff;
    return c >= 0x20 && c < 0x7f ? "'" + (char) c + "'" : String.format("0x%02x", c);
  }

  static TarFormatException fail(long number, String name, String problem) {
    return new TarFormatException(number, name, problem);
  }

  static TarFormatException fail(long number, String name, String problem, Throwable cause) {
    return new TarFormatException(number, name, problem, cause);
  }
}
