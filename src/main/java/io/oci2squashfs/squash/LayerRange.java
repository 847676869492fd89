package io.oci2squashfs.squash;

import io.oci2squashfs.image.Layer;
import io.oci2squashfs.layer.LayerException;
import io.oci2squashfs.layer.LayerOpener;
import io.oci2squashfs.overlay.LayerEntries;
import io.oci2squashfs.overlay.LayerSource;
import io.oci2squashfs.tar.TarHeader;
import io.oci2squashfs.tar.TarReader;
import java.io.IOException;
import java.io.InputStream;
import java.util.List;
import java.util.function.Consumer;

/**
 * Some consecutive layers of an image as the merge reads them; the merge's layer 0 is the image's
 * layer {@code first}. Errors name the image's layer index and digest.
 */
final class LayerRange implements LayerSource {
  private final List<Layer> all;
  private final int first;
  private final int end;
  private final Consumer<String> warnings;

  /** Layers {@code first} (inclusive) to {@code end} (exclusive) of {@code all}. */
  LayerRange(List<Layer> all, int first, int end, Consumer<String> warnings) {
    this.all = all;
    this.first = first;
    this.end = end;
    this.warnings = warnings;
  }

  @Override
  public int layerCount() {
    return end - first;
  }

  /** The image's index of the merge's layer {@code index}. */
  int imageIndex(int index) {
    return first + index;
  }

  String describe(int index) {
    int i = imageIndex(index);
    return "layer " + i + "/" + all.size() + " " + all.get(i).label();
  }

  @Override
  public LayerEntries open(int index) throws IOException {
    int i = imageIndex(index);
    Layer layer = all.get(i);
    InputStream tar;
    try {
      tar = LayerOpener.open(layer.open(), layer.mediaType(), layer.size(), w -> warnings.accept(describe(index) + ": " + w));
    } catch (IOException e) {
      throw LayerException.wrap(e, i, all.size(), layer.label());
    }
    TarReader reader = new TarReader(tar);
    return new LayerEntries() {
      private TarHeader current;

      @Override
      public TarHeader next() throws IOException {
        try {
          current = reader.next();
          return current;
        } catch (IOException e) {
          LayerException le = LayerException.wrap(e, i, all.size(), layer.label());
          throw current == null || le.entryName() != null ? le : le.withEntry(current.path().display());
        }
      }

      @Override
      public InputStream content() {
        return reader.content();
      }

      @Override
      public void close() throws IOException {
        tar.close();
      }
    };
  }
}
