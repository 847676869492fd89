package io.oci2squashfs.image;

import java.util.List;

/**
 * An image found on disk, for one platform.
 *
 * @param source what was read, for messages, e.g. {@code OCI image layout /x (manifest sha256:...)}
 * @param platform the platform of the chosen manifest, from its config (else from its index entry);
 *     null when neither says
 * @param manifestDigest the chosen manifest's digest, or null when there is no manifest blob (a
 *     {@code docker save} directory)
 * @param configDigest the config's digest, or null when its path does not tell it
 * @param layers base layer first; the layer at position i has {@link Layer#index()} i
 * @param config what the config says, or null when the image has none to read
 * @param platforms the platforms the source offered to choose from (an index's entries); empty when
 *     it offered one manifest without a platform
 * @param configJson the config exactly as read, every field kept (for writing a changed copy), or
 *     null when not known
 */
public record Image(
    String source,
    Platform platform,
    Digest manifestDigest,
    Digest configDigest,
    List<Layer> layers,
    ImageConfig config,
    List<Platform> platforms,
    RawJson configJson) {
  public Image {
    layers = List.copyOf(layers);
    platforms = List.copyOf(platforms);
    for (int i = 0; i < layers.size(); i++) {
      if (layers.get(i).index() != i) {
        throw new IllegalArgumentException(
            "layer at position " + i + " has index " + layers.get(i).index());
      }
    }
  }

  public Image(
      String source,
      Platform platform,
      Digest manifestDigest,
      Digest configDigest,
      List<Layer> layers,
      ImageConfig config,
      List<Platform> platforms) {
    this(source, platform, manifestDigest, configDigest, layers, config, platforms, null);
  }

  /** An image whose source offers no choice of platform (a lone manifest, a docker save). */
  public Image(
      String source,
      Platform platform,
      Digest manifestDigest,
      Digest configDigest,
      List<Layer> layers,
      ImageConfig config) {
    this(source, platform, manifestDigest, configDigest, layers, config, List.of());
  }
}
