package io.oci2squashfs.tar;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/** Builds tar bytes by hand, header field by header field, for cases no library writer produces. */
final class RawTar {
  private final ByteArrayOutputStream out = new ByteArrayOutputStream();

  static RawTar tar() {
    return new RawTar();
  }

  /** A header; USTAR magic, mode 0644, owner 0:0, mtime 0 unless changed. */
  static Header header(String name, char type) {
    return new Header().name(name).type(type);
  }

  /** Appends a header (its checksum computed now) and the given data, padded to a block. */
  RawTar entry(Header h, byte[] data) {
    out.writeBytes(h.build());
    data(data);
    return this;
  }

  RawTar entry(Header h) {
    out.writeBytes(h.build());
    return this;
  }

  /** Appends data padded with zeros to a whole number of blocks. */
  RawTar data(byte[] data) {
    out.writeBytes(data);
    int pad = (512 - data.length % 512) % 512;
    out.writeBytes(new byte[pad]);
    return this;
  }

  /** Appends a PAX header of type {@code x} or {@code g} holding the given records. */
  RawTar pax(char type, byte[]... records) {
    ByteArrayOutputStream data = new ByteArrayOutputStream();
    for (byte[] r : records) {
      data.writeBytes(r);
    }
    byte[] d = data.toByteArray();
    return entry(header("PaxHeaders/x", type).size(d.length), d);
  }

  /** Appends raw bytes as they are. */
  RawTar raw(byte[] bytes) {
    out.writeBytes(bytes);
    return this;
  }

  /** The bytes so far plus the two zero end blocks. */
  byte[] end() {
    out.writeBytes(new byte[1024]);
    return out.toByteArray();
  }

  /** The bytes so far, with no end blocks. */
  byte[] bytes() {
    return out.toByteArray();
  }

  /** One PAX record with a correct length prefix; the value is used byte for byte. */
  static byte[] record(String key, byte[] value) {
    byte[] k = key.getBytes(StandardCharsets.ISO_8859_1);
    int rest = 1 + k.length + 1 + value.length + 1;
    int len = rest + Integer.toString(rest).length();
    if (Integer.toString(len).length() != Integer.toString(rest).length()) {
      len = rest + Integer.toString(len).length();
    }
    ByteArrayOutputStream r = new ByteArrayOutputStream();
    r.writeBytes((len + " ").getBytes(StandardCharsets.US_ASCII));
    r.writeBytes(k);
    r.write('=');
    r.writeBytes(value);
    r.write('\n');
    return r.toByteArray();
  }

  static byte[] record(String key, String utf8Value) {
    return record(key, utf8Value.getBytes(StandardCharsets.UTF_8));
  }

  static byte[] latin1(String s) {
    return s.getBytes(StandardCharsets.ISO_8859_1);
  }

  /** One 512-byte header under construction. */
  static final class Header {
    final byte[] b = new byte[512];
    private boolean badChecksum;
    private boolean signedChecksum;

    Header() {
      mode(0644).uid(0).gid(0).size(0).mtime(0);
      ustar();
    }

    Header name(String utf8) {
      return nameBytes(utf8.getBytes(StandardCharsets.UTF_8));
    }

    Header nameBytes(byte[] name) {
      return field(0, 100, name);
    }

    Header link(String utf8) {
      return field(157, 100, utf8.getBytes(StandardCharsets.UTF_8));
    }

    Header type(char t) {
      b[156] = (byte) t;
      return this;
    }

    Header mode(long v) {
      return octal(100, 8, v);
    }

    Header uid(long v) {
      return octal(108, 8, v);
    }

    Header gid(long v) {
      return octal(116, 8, v);
    }

    Header size(long v) {
      return octal(124, 12, v);
    }

    Header mtime(long v) {
      return octal(136, 12, v);
    }

    Header devices(long major, long minor) {
      return octal(329, 8, major).octal(337, 8, minor);
    }

    Header ustar() {
      field(257, 6, latin1("ustar\0"));
      return field(263, 2, latin1("00"));
    }

    Header gnu() {
      return field(257, 8, latin1("ustar  \0"));
    }

    Header v7() {
      return field(257, 8, new byte[8]);
    }

    Header prefix(String s) {
      return field(345, 155, latin1(s));
    }

    /** Writes {@code len - 1} octal digits and a NUL. */
    Header octal(int off, int len, long v) {
      String s = Long.toOctalString(v);
      if (s.length() > len - 1) {
        throw new IllegalArgumentException(v + " does not fit " + len);
      }
      String padded = "0".repeat(len - 1 - s.length()) + s;
      return field(off, len, latin1(padded + "\0"));
    }

    /** Writes GNU base-256: high bit set, two's complement big-endian. */
    Header base256(int off, int len, long v) {
      byte[] f = new byte[len];
      long x = v;
      for (int i = len - 1; i >= 0; i--) {
        f[i] = (byte) x;
        x >>= 8;
      }
      f[0] = (byte) (v < 0 ? 0xff : 0x80);
      return field(off, len, f);
    }

    Header field(int off, int len, byte[] value) {
      if (value.length > len) {
        throw new IllegalArgumentException("field of " + len + " bytes cannot hold " + value.length);
      }
      Arrays.fill(b, off, off + len, (byte) 0);
      System.arraycopy(value, 0, b, off, value.length);
      return this;
    }

    Header badChecksum() {
      badChecksum = true;
      return this;
    }

    Header signedChecksum() {
      signedChecksum = true;
      return this;
    }

    byte[] build() {
      Arrays.fill(b, 148, 156, (byte) ' ');
      long sum = 0;
      for (byte x : b) {
        sum += signedChecksum ? x : (x & 0xff);
      }
      if (badChecksum) {
        sum += 1;
      }
      String s = Long.toOctalString(sum & 0777777);
      field(148, 8, latin1("0".repeat(6 - s.length()) + s + "\0 "));
      return b.clone();
    }
  }
}
