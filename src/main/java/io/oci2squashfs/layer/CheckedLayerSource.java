package io.oci2squashfs.layer;

import io.oci2squashfs.image.Digest;
import io.oci2squashfs.image.Digester;
import io.oci2squashfs.image.Image;
import io.oci2squashfs.image.Layer;
import io.oci2squashfs.overlay.LayerEntries;
import io.oci2squashfs.overlay.LayerSource;
import io.oci2squashfs.tar.TarHeader;
import io.oci2squashfs.tar.TarReader;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.List;
import java.util.function.Consumer;

/**
 * Some consecutive layers of an image as the merge reads them, checked: each blob opened with its
 * decompressor and read as tar, its size and digest and its tar's diff id checked as it streams,
 * every error given the layer's index in the image, its digest and the entry. Every command that
 * merges layers reads them through this one class.
 *
 * <p>The merge's layer 0 is the image's layer {@code first}; messages name the image's index.
 */
public final class CheckedLayerSource implements LayerSource {
  private static final long PROGRESS_STEP = 4L << 20;

  private final List<Layer> all;
  private final int first;
  private final int end;
  private final Consumer<String> warnings;
  private final Progress progress;

  /**
   * Receives the bytes read per layer (the merge's index) so far: of the blob as stored, and of its
   * tar.
   */
  public interface Progress {
    /** Hears nothing. */
    Progress NONE = (layer, total) -> {};

    void bytesRead(int layer, long total);

    default void tarBytesRead(int layer, long total) {}
  }

  /** Layers {@code first} (inclusive) to {@code end} (exclusive) of {@code all}. */
  public CheckedLayerSource(
      List<Layer> all, int first, int end, Consumer<String> warnings, Progress progress) {
    if (first < 0 || end > all.size() || first > end) {
      throw new IllegalArgumentException("layers " + first + ".." + end + " of " + all.size());
    }
    this.all = List.copyOf(all);
    this.first = first;
    this.end = end;
    this.warnings = warnings;
    this.progress = progress;
  }

  /** All of the image's layers. */
  public static CheckedLayerSource of(Image image, Consumer<String> warnings, Progress progress) {
    return new CheckedLayerSource(image.layers(), 0, image.layers().size(), warnings, progress);
  }

  @Override
  public int layerCount() {
    return end - first;
  }

  /** The image's index of the merge's layer {@code index}. */
  public int imageIndex(int index) {
    return first + index;
  }

  /** How messages name the merge's layer {@code index}: {@code layer 3/7 sha256:ab12cd34ef56}. */
  public String describe(int index) {
    return "layer " + imageIndex(index) + "/" + all.size() + " " + digestOf(index);
  }

  /** The layer's digest, or for a docker-save layer without one its diff id or file name. */
  public String digestOf(int index) {
    return layerAt(index).label();
  }

  private Layer layerAt(int index) {
    return all.get(imageIndex(index));
  }

  /**
   * Opens layer {@code index}. The blob is read and hashed, decompressed, and the tar hashed, each
   * in a thread of its own, ahead of the merge (see {@link ReadAheadInputStream}). When its tar is
   * read to the end, the rest of the blob is read too and the blob's digest and size and the
   * uncompressed tar's digest (the config's diff_id) are checked: a mismatch is a {@link
   * LayerException}. A layer read only in part is not checked.
   */
  @Override
  public LayerEntries open(int index) throws IOException {
    Layer layer = layerAt(index);
    int imageIndex = imageIndex(index);
    String digest = digestOf(index);
    // Three stages, each in a thread of its own, since hashing costs as much as decompressing:
    // read and hash the blob; decompress; hash the tar. The merge reads the last one's output.
    Digester blob = Digester.toCheck(layer.digest());
    ReadAheadInputStream blobAhead;
    InputStream tarStream;
    try {
      blobAhead = new ReadAheadInputStream(blob.reading(layer.open()), "layer-" + index + "-blob");
      // opened here, not in a reading thread, so that a bad header fails open() itself
      tarStream =
          LayerOpener.open(
              blobAhead,
              layer.mediaType(),
              layer.size(),
              w -> warnings.accept(describe(index) + ": " + w));
    } catch (IOException e) {
      throw LayerException.wrap(e, imageIndex, all.size(), digest);
    }
    // at the tar's end the rest of the blob (bytes after the compressed stream, if any) is read
    // too, so that the blob is hashed whole before the decompressing stage closes it
    InputStream decompressed =
        new ReadAheadInputStream(
            new AtEnd(tarStream, () -> blobAhead.transferTo(OutputStream.nullOutputStream())),
            "layer-" + index + "-decompress");
    Digester tar = Digester.toCheck(layer.diffId());
    InputStream checked =
        new AtEnd(
            tar.reading(decompressed),
            () -> checkDigests(layer, blob, tar)); // a mismatch is a LayerException
    ReadAheadInputStream ahead = new ReadAheadInputStream(checked, "layer-" + index + "-reader");
    TarReader reader = new TarReader(ahead);
    return new LayerEntries() {
      private TarHeader current;
      private boolean checked;
      private long reported;

      @Override
      public TarHeader next() throws IOException {
        try {
          current = null; // a header that fails to read is not the previous entry's fault
          current = reader.next();
          report();
          if (current == null && !checked) {
            checked = true;
            ahead.transferTo(
                OutputStream.nullOutputStream()); // to the end, where the digests are checked
          }
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
              int n = super.read(b, off, len);
              report();
              return n;
            } catch (IOException e) {
              throw context(e, entry);
            }
          }
        };
      }

      /** Tells the progress sink how much of the blob and of its tar was read, every few MiB. */
      private void report() {
        long read = blob.count();
        if (read - reported >= PROGRESS_STEP) {
          reported = read;
          progress.bytesRead(index, read);
          progress.tarBytesRead(index, tar.count());
        }
      }

      @Override
      public void close() throws IOException {
        ahead.close();
        progress.bytesRead(index, blob.count());
        progress.tarBytesRead(index, tar.count());
      }

      private LayerException context(IOException e, TarHeader entry) {
        LayerException le = LayerException.wrap(e, imageIndex, all.size(), digest);
        return entry == null || le.entryName() != null
            ? le
            : le.withEntry(entry.path().shortDisplay());
      }
    };
  }

  /**
   * Reads only the start of the layer, in this thread and with the JDK's decompressors: a probe of
   * a dozen layers this way takes milliseconds, where opening each with its reading threads (which
   * hash megabytes ahead before the JIT has warmed up) took half a second. Nothing is checked
   * against the digests; the merge reads the layer whole later and checks it then. Warnings are
   * left to the merge too, so that each is said once.
   */
  @Override
  public TarHeader firstEntry(int index) throws IOException {
    Layer layer = layerAt(index);
    try (InputStream tar = LayerOpener.open(layer.openStart(), layer.mediaType(), w -> {})) {
      return new TarReader(tar).next();
    } catch (IOException e) {
      throw LayerException.wrap(e, imageIndex(index), all.size(), digestOf(index));
    }
  }

  /** Something done once a stream is read to its end. */
  private interface EndAction {
    void run() throws IOException;
  }

  /** A stream that runs {@code action} once, when a read first finds its end. */
  private static final class AtEnd extends FilterInputStream {
    private final EndAction action;
    private boolean ended;

    AtEnd(InputStream in, EndAction action) {
      super(in);
      this.action = action;
    }

    @Override
    public int read() throws IOException {
      int b = super.read();
      if (b < 0) {
        ended();
      }
      return b;
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
      int n = super.read(b, off, len);
      if (n < 0) {
        ended();
      }
      return n;
    }

    private void ended() throws IOException {
      if (!ended) {
        ended = true;
        action.run();
      }
    }
  }

  /** Compares what was read, the blob to its end, with what the image declares. */
  private static void checkDigests(Layer layer, Digester blob, Digester tar) throws IOException {
    try {
      checkAgainstDescriptor(layer, blob, tar);
    } catch (LayerException e) {
      String note = layer.opener().checked(false);
      throw note == null ? e : new LayerException(e.detail() + "; " + note);
    }
    layer.opener().checked(true);
  }

  private static void checkAgainstDescriptor(Layer layer, Digester blob, Digester tar)
      throws IOException {
    if (layer.size() >= 0 && blob.count() != layer.size()) {
      throw LayerException.sizeMismatch(blob.count(), layer.size());
    }
    Digest actual = blob.digest();
    if (actual != null && !actual.equals(layer.digest())) {
      throw LayerException.digestMismatch(actual);
    }
    Digest diffId = tar.digest();
    if (diffId != null && !diffId.equals(layer.diffId())) {
      throw LayerException.diffIdMismatch(diffId, layer.diffId());
    }
  }
}
