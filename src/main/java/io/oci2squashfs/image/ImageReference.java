package io.oci2squashfs.image;

import java.nio.file.Path;

/**
 * An image named as skopeo names local images: {@code oci:DIR[:TAG]}, {@code
 * oci-archive:FILE[:TAG]} or {@code docker-archive:FILE[:NAME[:TAG]]}. The path ends at its first
 * colon, as in skopeo.
 *
 * @param refName the image to choose among several (the part after the path), or null
 */
record ImageReference(Transport transport, Path path, String refName) {
  /** Where an image is and how it is laid out. */
  enum Transport {
    OCI("oci", false, true),
    OCI_ARCHIVE("oci-archive", true, true),
    DOCKER_ARCHIVE("docker-archive", true, false);

    final String prefix;
    final boolean archive;
    final boolean oci;

    Transport(String prefix, boolean archive, boolean oci) {
      this.prefix = prefix;
      this.archive = archive;
      this.oci = oci;
    }
  }

  /**
   * Parses {@code text}; null when it does not start with one of the transports above.
   *
   * @throws IllegalArgumentException when it does but names no path
   */
  static ImageReference parse(String text) {
    for (Transport t : Transport.values()) {
      if (text.startsWith(t.prefix + ":")) {
        String rest = text.substring(t.prefix.length() + 1);
        int colon = rest.indexOf(':');
        String path = colon < 0 ? rest : rest.substring(0, colon);
        String ref = colon < 0 || colon == rest.length() - 1 ? null : rest.substring(colon + 1);
        if (path.isEmpty()) {
          throw new IllegalArgumentException(
              "invalid image reference \"" + text + "\": no path after " + t.prefix + ":");
        }
        return new ImageReference(t, Path.of(path), ref);
      }
    }
    return null;
  }
}
