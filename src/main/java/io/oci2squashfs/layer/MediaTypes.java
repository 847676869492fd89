package io.oci2squashfs.layer;

import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/** Layer media types: the OCI and Docker names and the compression each one declares. */
public final class MediaTypes {
  public static final String OCI_LAYER = "application/vnd.oci.image.layer.v1.tar";
  public static final String OCI_LAYER_GZIP = OCI_LAYER + "+gzip";
  public static final String OCI_LAYER_ZSTD = OCI_LAYER + "+zstd";
  public static final String OCI_LAYER_NONDISTRIBUTABLE =
      "application/vnd.oci.image.layer.nondistributable.v1.tar";
  public static final String OCI_LAYER_NONDISTRIBUTABLE_GZIP = OCI_LAYER_NONDISTRIBUTABLE + "+gzip";
  public static final String OCI_LAYER_NONDISTRIBUTABLE_ZSTD = OCI_LAYER_NONDISTRIBUTABLE + "+zstd";
  public static final String DOCKER_LAYER = "application/vnd.docker.image.rootfs.diff.tar";
  public static final String DOCKER_LAYER_GZIP = DOCKER_LAYER + ".gzip";
  public static final String DOCKER_FOREIGN_LAYER_GZIP =
      "application/vnd.docker.image.rootfs.foreign.diff.tar.gzip";

  private static final Map<String, Compression> DOCKER =
      Map.of(
          DOCKER_LAYER, Compression.NONE,
          DOCKER_LAYER_GZIP, Compression.GZIP,
          DOCKER_FOREIGN_LAYER_GZIP, Compression.GZIP);

  // Suffixes after an OCI layer base type; bzip2, xz and lzma are not in the spec but are what
  // tools that produce them write.
  private static final Map<String, Compression> OCI_SUFFIXES =
      Map.of(
          "", Compression.NONE,
          "+gzip", Compression.GZIP,
          "+zstd", Compression.ZSTD,
          "+bzip2", Compression.BZIP2,
          "+xz", Compression.XZ,
          "+lzma", Compression.LZMA);

  private MediaTypes() {}

  /**
   * The compression a layer media type declares. Parameters ({@code ;...}) and case are ignored.
   *
   * @param mediaType the descriptor's media type; {@code null} or blank when the image gave none (a
   *     {@code docker save} directory), in which case only the bytes can tell
   * @return the declared compression, or empty when {@code mediaType} is null or blank
   * @throws LayerException "unsupported layer media type X" for any other media type
   */
  public static Optional<Compression> compressionOf(String mediaType) throws LayerException {
    if (mediaType == null || mediaType.isBlank()) {
      return Optional.empty();
    }
    String type = normalise(mediaType);
    Compression docker = DOCKER.get(type);
    if (docker != null) {
      return Optional.of(docker);
    }
    for (String base : new String[] {OCI_LAYER, OCI_LAYER_NONDISTRIBUTABLE}) {
      if (type.startsWith(base)) {
        Compression c = OCI_SUFFIXES.get(type.substring(base.length()));
        if (c != null) {
          return Optional.of(c);
        }
      }
    }
    throw new LayerException("unsupported layer media type " + mediaType);
  }

  /**
   * True for the media types of layers that registries may not hold (OCI nondistributable, Docker
   * foreign); such blobs may be missing from a layout and fetched from their URLs instead.
   */
  public static boolean isNonDistributable(String mediaType) {
    if (mediaType == null) {
      return false;
    }
    String type = normalise(mediaType);
    return type.startsWith(OCI_LAYER_NONDISTRIBUTABLE) || type.equals(DOCKER_FOREIGN_LAYER_GZIP);
  }

  private static String normalise(String mediaType) {
    int semicolon = mediaType.indexOf(';');
    String type = semicolon < 0 ? mediaType : mediaType.substring(0, semicolon);
    return type.trim().toLowerCase(Locale.ROOT);
  }
}
