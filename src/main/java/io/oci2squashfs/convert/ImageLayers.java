package io.oci2squashfs.convert;

import io.oci2squashfs.image.Image;
import io.oci2squashfs.image.Layer;
import io.oci2squashfs.layer.LayerException;
import io.oci2squashfs.layer.LayerOpener;
import io.oci2squashfs.overlay.LayerEntries;
import io.oci2squashfs.overlay.LayerSource;
import io.oci2squashfs.tar.TarHeader;
import io.oci2squashfs.tar.TarReader;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.util.List;
import java.util.function.Consumer;
import java.util.function.LongConsumer;

/**
 * An image's layers as the merge reads them: each blob opened with its decompressor and read as
 * tar, every error given the layer's index, digest and entry.
 */
final class ImageLayers implements LayerSource {
  private static final long PROGRESS_STEP = 4L << 20;

  private final List<Layer> layers;
  private final Consumer<String> warnings;
  private final ProgressSink progress;

  /** Receives compressed bytes read per layer. */
  interface ProgressSink {
    void bytesRead(int layer, long total);
  }

  ImageLayers(Image image, Consumer<String> warnings, ProgressSink progress) {
    this.layers = image.layers();
    this.warnings = warnings;
    this.progress = progress;
  }

  @Override
  public int layerCount() {
    return layers.size();
  }

  /** How messages name layer {@code index}. */
  String describe(int index) {
    return "layer " + index + "/" + layers.size() + " " + digestOf(index);
  }

  String digestOf(int index) {
    return String.valueOf(layers.get(index).digest());
  }

  @Override
  public LayerEntries open(int index) throws IOException {
    Layer layer = layers.get(index);
    String digest = digestOf(index);
    InputStream tarStream;
    try {
      InputStream raw = new CountingStream(layer.open(), n -> progress.bytesRead(index, n));
      tarStream = LayerOpener.open(raw, layer.mediaType(), w -> warnings.accept(describe(index) + ": " + w));
    } catch (IOException e) {
      throw LayerException.wrap(e, index, layers.size(), digest);
    }
    TarReader reader = new TarReader(tarStream);
    return new LayerEntries() {
      private TarHeader current;

      @Override
      public TarHeader next() throws IOException {
        try {
          current = reader.next();
          return current;
        } catch (IOException e) {
          throw context(e, current);
        }
      }

      @Override
      public InputStream content() {
        TarHeader entry = current;
        return new FilterInputStream(reader.content()) {
          @Override
          public int read() throws IOException {
            try {
              return super.read();
            } catch (IOException e) {
              throw context(e, entry);
            }
          }

          @Override
          public int read(byte[] b, int off, int len) throws IOException {
            try {
              return super.read(b, off, len);
            } catch (IOException e) {
              throw context(e, entry);
            }
          }
        };
      }

      @Override
      public void close() throws IOException {
        tarStream.close();
      }

      private LayerException context(IOException e, TarHeader entry) {
        LayerException le = LayerException.wrap(e, index, layers.size(), digest);
        return entry == null || le.entryName() != null ? le : le.withEntry(entry.path().display());
      }
    };
  }

  /** Counts bytes read and reports every few MiB, and at the end. */
  private static final class CountingStream extends FilterInputStream {
    private final LongConsumer report;
    private long count;
    private long reported;

    CountingStream(InputStream in, LongConsumer report) {
      super(in);
      this.report = report;
    }

    @Override
    public int read() throws IOException {
      int b = super.read();
      if (b >= 0) {
        counted(1);
      }
      return b;
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
      int n = super.read(b, off, len);
      if (n > 0) {
        counted(n);
      }
      return n;
    }

    private void counted(long n) {
      count += n;
      if (count - reported >= PROGRESS_STEP) {
        reported = count;
        report.accept(count);
      }
    }

    @Override
    public void close() throws IOException {
      report.accept(count);
      super.close();
    }
  }
}
