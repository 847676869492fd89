package io.oci2squashfs.squash;

import com.github.luben.zstd.ZstdOutputStream;
import io.oci2squashfs.layer.MediaTypes;
import java.io.IOException;
import java.io.OutputStream;
import java.util.Locale;
import java.util.zip.GZIPOutputStream;

/** How the squashed layer's tar is compressed, and the OCI media type that says so. */
public enum LayerCompression {
  GZIP(MediaTypes.OCI_LAYER_GZIP) {
    @Override
    OutputStream compress(OutputStream out) throws IOException {
      return new GZIPOutputStream(
          out, 64 * 1024); // header with mtime 0: the same tar gives the same blob
    }
  },
  ZSTD(MediaTypes.OCI_LAYER_ZSTD) {
    @Override
    OutputStream compress(OutputStream out) throws IOException {
      return new ZstdOutputStream(out, 3);
    }
  },
  NONE(MediaTypes.OCI_LAYER) {
    @Override
    OutputStream compress(OutputStream out) {
      return out;
    }
  };

  final String mediaType;

  LayerCompression(String mediaType) {
    this.mediaType = mediaType;
  }

  /**
   * Wraps {@code out}; closing the result finishes the compressed stream and closes {@code out}.
   */
  abstract OutputStream compress(OutputStream out) throws IOException;

  /** {@code gzip}, {@code zstd} or {@code none}. */
  public static LayerCompression parse(String text) {
    try {
      return valueOf(text.trim().toUpperCase(Locale.ROOT));
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException(
          "unknown layer compression '" + text + "'; use gzip, zstd or none", e);
    }
  }
}
