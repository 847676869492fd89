package io.oci2squashfs.source;

import io.oci2squashfs.image.ImageFormatException;
import io.oci2squashfs.image.ImageLoader;
import io.oci2squashfs.image.Platform;
import io.oci2squashfs.registry.PullListener;
import io.oci2squashfs.registry.RegistryImage;
import io.oci2squashfs.registry.RegistryOptions;
import io.oci2squashfs.registry.RegistryReference;
import java.io.IOException;
import java.util.Objects;

/**
 * Opens an image by any name a command takes: a directory or archive on disk, a skopeo-style local
 * reference ({@code oci:}, {@code oci-archive:}, {@code docker-archive:}), or {@code docker://} for
 * a registry. One place decides which, so every command reads images the same way.
 */
public final class ImageSources {
  private final RegistryOptions registry;

  /**
   * @param registry how to reach registries, for {@code docker://} names
   */
  public ImageSources(RegistryOptions registry) {
    this.registry = Objects.requireNonNull(registry, "registry");
  }

  /** Registries as this process's environment sets them up, with the default cache. */
  public static ImageSources fromEnvironment() {
    return new ImageSources(RegistryOptions.fromEnvironment());
  }

  public RegistryOptions registry() {
    return registry;
  }

  /**
   * Opens the image {@code name} for {@code wanted}. For a registry, the manifest and config are
   * read now and the layers start downloading; close the result to stop them.
   *
   * @throws ImageFormatException for a malformed name, or an image that is not one
   */
  public OpenedImage open(String name, Platform wanted, PullListener listener) throws IOException {
    if (RegistryReference.isRegistryReference(name)) {
      RegistryImage pulled = RegistryImage.open(parse(name), wanted, registry, listener);
      return new OpenedImage(pulled.image(), pulled);
    }
    return new OpenedImage(ImageLoader.load(name, wanted), null);
  }

  /**
   * Opens the image {@code name} to describe it: from a registry only its manifest and config are
   * fetched, and its layers cannot be read.
   */
  public OpenedImage inspect(String name, Platform wanted) throws IOException {
    if (RegistryReference.isRegistryReference(name)) {
      RegistryImage pulled = RegistryImage.inspect(parse(name), wanted, registry);
      return new OpenedImage(pulled.image(), pulled);
    }
    return new OpenedImage(ImageLoader.load(name, wanted), null);
  }

  /** Parses a {@code docker://} name; a malformed one is an {@link ImageFormatException}. */
  public static RegistryReference parse(String name) throws ImageFormatException {
    try {
      return RegistryReference.parse(name);
    } catch (IllegalArgumentException e) {
      throw new ImageFormatException(e.getMessage(), e);
    }
  }
}
