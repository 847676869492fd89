package io.oci2squashfs.layer;

import com.github.luben.zstd.ZstdInputStreamNoFinalizer;
import io.oci2squashfs.tar.TarConstants;
import java.io.IOException;
import java.io.InputStream;
import java.io.PushbackInputStream;
import java.util.zip.GZIPInputStream;
import org.apache.commons.compress.compressors.bzip2.BZip2CompressorInputStream;
import org.tukaani.xz.LZMAInputStream;
import org.tukaani.xz.XZInputStream;

/** The compressions a layer blob may use, each knowing how to undo itself and how it starts. */
public enum Compression {
  NONE("uncompressed") {
    @Override
    public InputStream decompress(InputStream raw) {
      return raw;
    }
  },
  GZIP("gzip") {
    @Override
    public InputStream decompress(InputStream raw) throws IOException {
      // JDK 17's GZIPInputStream decides whether another member follows by asking available();
      // a pipe may answer 0 at a member boundary and the rest of the layer would be dropped
      // silently (JDK-7036144). Make available() answer truthfully.
      return new GZIPInputStream(new TruthfulAvailableInputStream(raw), GZIP_BUFFER);
    }
  },
  ZSTD("zstd") {
    @Override
    public InputStream decompress(InputStream raw) throws IOException {
      return new ZstdInputStreamNoFinalizer(raw);
    }
  },
  BZIP2("bzip2") {
    @Override
    public InputStream decompress(InputStream raw) throws IOException {
      return new BZip2CompressorInputStream(raw, true);
    }
  },
  XZ("xz") {
    @Override
    public InputStream decompress(InputStream raw) throws IOException {
      return new XZInputStream(raw);
    }
  },
  LZMA("lzma") {
    @Override
    public InputStream decompress(InputStream raw) throws IOException {
      return new LZMAInputStream(raw);
    }
  };

  /**
   * How many leading bytes {@link #sniff} can use: one tar header block. Fewer work, but a whole
   * block allows the tar check.
   */
  public static final int SNIFF_LENGTH = TarConstants.BLOCK_SIZE;

  private static final int GZIP_BUFFER = 64 * 1024;

  private final String displayName;

  Compression(String displayName) {
    this.displayName = displayName;
  }

  /**
   * Wraps {@code raw} in this compression's decoder. Closing the returned stream closes {@code
   * raw}. Decoders that read a header (gzip, xz, lzma) read it here and throw if it is bad.
   */
  public abstract InputStream decompress(InputStream raw) throws IOException;

  /** A lower-case name for messages: {@code gzip}, {@code zstd}, ..., {@code uncompressed}. */
  public String displayName() {
    return displayName;
  }

  /**
   * Recognises a compression by the first {@code len} bytes of a blob ({@link #SNIFF_LENGTH} is
   * enough). Returns {@link #NONE} when no compression matches, which includes, but does not prove,
   * a plain tar; see {@link #looksLikeTar}.
   */
  public static Compression sniff(byte[] head, int len) {
    if (looksLikeTar(head, len)) {
      // A ustar header is decisive; checked first so that a file named "BZh9..." stays a tar.
      return NONE;
    }
    if (startsWith(head, len, 0x1f, 0x8b)) {
      return GZIP;
    }
    if (startsWith(head, len, 0x28, 0xb5, 0x2f, 0xfd) || isZstdSkippableFrame(head, len)) {
      return ZSTD;
    }
    if (startsWith(head, len, 0xfd, '7', 'z', 'X', 'Z', 0x00)) {
      return XZ;
    }
    if (isBzip2(head, len)) {
      return BZIP2;
    }
    if (isLzma(head, len)) {
      return LZMA;
    }
    return NONE;
  }

  /** True when the bytes hold a POSIX or GNU tar header (the {@code ustar} magic at offset 257). */
  public static boolean looksLikeTar(byte[] head, int len) {
    int m = TarConstants.MAGIC_OFFSET;
    if (len < m + 5) {
      return false;
    }
    return head[m] == 'u'
        && head[m + 1] == 's'
        && head[m + 2] == 't'
        && head[m + 3] == 'a'
        && head[m + 4] == 'r';
  }

  /**
   * A zstd skippable frame (magic 0x184D2A50 to 0x184D2A5F, little-endian): metadata that a zstd
   * stream may start with (zstd:chunked and seekable-zstd writers put such frames in the stream);
   * the decompressor passes over it.
   */
  private static boolean isZstdSkippableFrame(byte[] head, int len) {
    return len >= 4
        && (head[0] & 0xf0) == 0x50
        && (head[1] & 0xff) == 0x2a
        && (head[2] & 0xff) == 0x4d
        && (head[3] & 0xff) == 0x18;
  }

  private static boolean startsWith(byte[] head, int len, int... magic) {
    if (len < magic.length) {
      return false;
    }
    for (int i = 0; i < magic.length; i++) {
      if ((head[i] & 0xff) != magic[i]) {
        return false;
      }
    }
    return true;
  }

  private static boolean isBzip2(byte[] head, int len) {
    if (!startsWith(head, len, 'B', 'Z', 'h') || len < 4 || head[3] < '1' || head[3] > '9') {
      return false;
    }
    if (len < 10) {
      return true;
    }
    // "BZh" is printable, so also require the block magic (BCD pi) or the end-of-stream magic
    // (BCD sqrt(pi)) that follows it.
    return startsWithAt(head, 4, 0x31, 0x41, 0x59, 0x26, 0x53, 0x59)
        || startsWithAt(head, 4, 0x17, 0x72, 0x45, 0x38, 0x50, 0x90);
  }

  private static boolean isLzma(byte[] head, int len) {
    // .lzma ("LZMA alone") has no magic: properties byte (0x5d for the usual lc=3 lp=0 pb=2),
    // dictionary size (LE int32) and uncompressed size (LE int64, -1 when unknown).
    if (len < 13 || !startsWith(head, len, 0x5d, 0x00, 0x00)) {
      return false;
    }
    long dictSize = readLe(head, 1, 4);
    long size = readLe(head, 5, 8);
    return dictSize >= 4096 && (size == -1 || (size >= 0 && size < (1L << 48)));
  }

  private static boolean startsWithAt(byte[] head, int offset, int... magic) {
    for (int i = 0; i < magic.length; i++) {
      if ((head[offset + i] & 0xff) != magic[i]) {
        return false;
      }
    }
    return true;
  }

  private static long readLe(byte[] b, int offset, int count) {
    long v = 0;
    for (int i = count - 1; i >= 0; i--) {
      v = (v << 8) | (b[offset + i] & 0xff);
    }
    return v;
  }

  /** An input stream whose {@code available()} is positive whenever a byte is left to read. */
  private static final class TruthfulAvailableInputStream extends PushbackInputStream {
    TruthfulAvailableInputStream(InputStream in) {
      super(in, 1);
    }

    @Override
    public int available() throws IOException {
      int n = super.available();
      if (n > 0) {
        return n;
      }
      int b = read();
      if (b < 0) {
        return 0;
      }
      unread(b);
      return 1;
    }
  }
}
