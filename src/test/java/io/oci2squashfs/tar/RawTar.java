package io.oci2squashfs.tar;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/** Builds tar bytes by hand, header field by header field, for cases no library writer produces. */
public final class RawTar {
  private final ByteArrayOutputStream out = new ByteArrayOutputStream();

  public static RawTar tar() {
    return new RawTar();
  }

  /** A header; USTAR magic, mode 0644, owner 0:0, mtime 0 unless changed. */
  public static Header header(String name, char type) {
    return new Header().name(name).type(type);
  }

  /** Appends a header (its checksum computed now) and the given data, padded to a block. */
  public RawTar entry(Header h, byte[] data) {
    out.writeBytes(h.build());
    data(data);
    return this;
  }

  public RawTar entry(Header h) {
    out.writeBytes(h.build());
    return this;
  }

  /** Appends data padded with zeros to a whole number of blocks. */
  public RawTar data(byte[] data) {
    out.writeBytes(data);
    int pad = (512 - data.length % 512) % 512;
    out.writeBytes(new byte[pad]);
    return this;
  }

  /** Appends a PAX header of type {@code x} or {@code g} holding the given records. */
  public RawTar pax(char type, byte[]... records) {
    ByteArrayOutputStream data = new ByteArrayOutputStream();
    for (byte[] r : records) {
      data.writeBytes(r);
    }
    byte[] d = data.toByteArray();
    return entry(header("PaxHeaders/x", type).size(d.length), d);
  }

  /** Appends raw bytes as they are. */
  public RawTar raw(byte[] bytes) {
    out.writeBytes(bytes);
    return this;
  }

  /** The bytes so far plus the two zero end blocks. */
  public byte[] end() {
    out.writeBytes(new byte[1024]);
    return out.toByteArray();
  }

  /** The bytes so far, with no end blocks. */
  public byte[] bytes() {
    return out.toByteArray();
  }

  /** One PAX record with a correct length prefix; the value is used byte for byte. */
  public static byte[] record(String key, byte[] value) {
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

  public static byte[] record(String key, String utf8Value) {
    return record(key, utf8Value.getBytes(StandardCharsets.UTF_8));
  }

  public static byte[] latin1(String s) {
    return s.getBytes(StandardCharsets.ISO_8859_1);
  }

  /** One 512-byte header under construction. */
  public static final class Header {
    final byte[] b = new byte[512];
    private boolean badChecksum;
    private boolean signedChecksum;

    public Header() {
      mode(0644).uid(0).gid(0).size(0).mtime(0);
      ustar();
    }

    public Header name(String utf8) {
      return nameBytes(utf8.getBytes(StandardCharsets.UTF_8));
    }

    public Header nameBytes(byte[] name) {
      return field(0, 100, name);
    }

    public Header link(String utf8) {
      return field(157, 100, utf8.getBytes(StandardCharsets.UTF_8));
    }

    public Header type(char t) {
      b[156] = (byte) t;
      return this;
    }

    public Header mode(long v) {
      return octal(100, 8, v);
    }

    public Header uid(long v) {
      return octal(108, 8, v);
    }

    public Header gid(long v) {
      return octal(116, 8, v);
    }

    public Header size(long v) {
      return octal(124, 12, v);
    }

    public Header mtime(long v) {
      return octal(136, 12, v);
    }

    public Header devices(long major, long minor) {
      return octal(329, 8, major).octal(337, 8, minor);
    }

    public Header ustar() {
      field(257, 6, latin1("ustar\0"));
      return field(263, 2, latin1("00"));
    }

    public Header gnu() {
      return field(257, 8, latin1("ustar  \0"));
    }

    public Header v7() {
      return field(257, 8, new byte[8]);
    }

    public Header prefix(String s) {
      return field(345, 155, latin1(s));
    }

    /** Writes {@code len - 1} octal digits and a NUL. */
    public Header octal(int off, int len, long v) {
      String s = Long.toOctalString(v);
      if (s.length() > len - 1) {
        throw new IllegalArgumentException(v + " does not fit " + len);
      }
      String padded = "0".repeat(len - 1 - s.length()) + s;
      return field(off, len, latin1(padded + "\0"));
    }

    /** Writes GNU base-256: high bit set, two's complement big-endian. */
    public Header base256(int off, int len, long v) {
      byte[] f = new byte[len];
      long x = v;
      for (int i = len - 1; i >= 0; i--) {
        f[i] = (byte) x;
        x >>= 8;
      }
      f[0] = (byte) (v < 0 ? 0xff : 0x80);
      return field(off, len, f);
    }

    public Header field(int off, int len, byte[] value) {
      if (value.length > len) {
        throw new IllegalArgumentException(
            "field of " + len + " bytes cannot hold " + value.length);
      }
      Arrays.fill(b, off, off + len, (byte) 0);
      System.arraycopy(value, 0, b, off, value.length);
      return this;
    }

    public Header badChecksum() {
      badChecksum = true;
      return this;
    }

    public Header signedChecksum() {
      signedChecksum = true;
      return this;
    }

    public byte[] build() {
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
