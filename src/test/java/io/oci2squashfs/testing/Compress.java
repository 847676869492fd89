package io.oci2squashfs.testing;

import com.github.luben.zstd.ZstdOutputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.util.zip.GZIPOutputStream;
import org.apache.commons.compress.compressors.bzip2.BZip2CompressorOutputStream;
import org.tukaani.xz.LZMA2Options;
import org.tukaani.xz.LZMAOutputStream;
import org.tukaani.xz.XZOutputStream;

/**
 * Compresses test data with each format's own library (not with the code under test), so that round
 * trips through {@code io.oci2squashfs.layer} check real interoperability.
 */
public final class Compress {
  private Compress() {}

  public static byte[] gzip(byte[] data) {
    return with(data, GZIPOutputStream::new);
  }

  public static byte[] zstd(byte[] data) {
    return with(data, ZstdOutputStream::new);
  }

  public static byte[] bzip2(byte[] data) {
    return with(data, BZip2CompressorOutputStream::new);
  }

  public static byte[] xz(byte[] data) {
    return with(data, out -> new XZOutputStream(out, new LZMA2Options()));
  }

  /** Legacy {@code .lzma} ("LZMA alone") with unknown size and an end marker, as lzma(1) writes. */
  public static byte[] lzma(byte[] data) {
    return with(data, out -> new LZMAOutputStream(out, new LZMA2Options(), -1));
  }

  /** The concatenation of byte arrays, e.g. several gzip members or zstd frames. */
  public static byte[] concat(byte[]... parts) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    for (byte[] part : parts) {
      out.writeBytes(part);
    }
    return out.toByteArray();
  }

  private interface Wrapper {
    OutputStream wrap(OutputStream out) throws IOException;
  }

  private static byte[] with(byte[] data, Wrapper wrapper) {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    try (OutputStream out = wrapper.wrap(bytes)) {
      out.write(data);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return bytes.toByteArray();
  }
}
