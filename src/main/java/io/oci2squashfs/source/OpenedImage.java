package io.oci2squashfs.source;

import io.oci2squashfs.image.Image;
import io.oci2squashfs.registry.RegistryImage;
import java.io.Closeable;
import java.io.IOException;
import java.util.function.Consumer;

/**
 * An image opened for reading, and what must be closed after: for a registry, its downloads (and a
 * temporary cache).
 */
public final class OpenedImage implements Closeable {
  private final Image image;
  private final RegistryImage pulled;

  OpenedImage(Image image, RegistryImage pulled) {
    this.image = image;
    this.pulled = pulled;
  }

  public Image image() {
    return image;
  }

  /** The registry image behind it, or null for one on disk. */
  public RegistryImage pulled() {
    return pulled;
  }

  /**
   * After a successful run: names a pulled image in the cache, so other tools find it. The output
   * is in place by then, so a failure here is only a warning.
   */
  public void succeeded(Consumer<String> warnings) {
    if (pulled == null) {
      return;
    }
    try {
      pulled.keep();
    } catch (IOException e) {
      warnings.accept("the image was not named in the cache: " + e.getMessage());
    }
  }

  @Override
  public void close() throws IOException {
    if (pulled != null) {
      pulled.close();
    }
  }
}
