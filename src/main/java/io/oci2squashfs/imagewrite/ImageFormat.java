package io.oci2squashfs.imagewrite;

import java.util.Locale;

/** The image formats this tool writes. */
public enum ImageFormat {
  /** An OCI image layout directory, as {@code skopeo copy ... oci:DIR} writes. */
  OCI("oci"),
  /** An OCI image layout in a tar archive, as {@code skopeo copy ... oci-archive:FILE} writes. */
  OCI_ARCHIVE("oci-archive"),
  /** A {@code docker save} archive ({@code manifest.json}), which {@code docker load} reads. */
  DOCKER_ARCHIVE("docker-archive");

  public final String cliName;

  ImageFormat(String cliName) {
    this.cliName = cliName;
  }

  public static ImageFormat parse(String text) {
    for (ImageFormat f : values()) {
      if (f.cliName.equals(text.trim().toLowerCase(Locale.ROOT))) {
        return f;
      }
    }
    throw new IllegalArgumentException(
        "unknown image format '" + text + "'; use oci, oci-archive or docker-archive");
  }
}
