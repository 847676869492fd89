package io.oci2squashfs.image;

import com.fasterxml.jackson.databind.JsonNode;

/** What a manifest-level descriptor points at, decided by media type or, lacking one, by shape. */
enum ManifestKind {
  /** An OCI image index or a Docker manifest list: follow its entries. */
  INDEX,
  /** An OCI image manifest or a Docker v2 schema 2 manifest: config and layers. */
  MANIFEST,
  /** Anything else (artifacts, Docker schema 1, ...): not an image this tool can read. */
  OTHER;

  static final String OCI_INDEX = "application/vnd.oci.image.index.v1+json";
  static final String OCI_MANIFEST = "application/vnd.oci.image.manifest.v1+json";
  static final String DOCKER_MANIFEST_LIST =
      "application/vnd.docker.distribution.manifest.list.v2+json";
  static final String DOCKER_MANIFEST = "application/vnd.docker.distribution.manifest.v2+json";

  /** The kind a media type names, or null when there is no media type to go by. */
  static ManifestKind ofMediaType(String mediaType) {
    if (mediaType == null || mediaType.isBlank()) {
      return null;
    }
    switch (mediaType.trim()) {
      case OCI_INDEX:
      case DOCKER_MANIFEST_LIST:
        return INDEX;
      case OCI_MANIFEST:
      case DOCKER_MANIFEST:
        return MANIFEST;
      default:
        return OTHER;
    }
  }

  /** The kind of a parsed blob: its own {@code mediaType} field, else its shape. */
  static ManifestKind ofBlob(JsonNode blob) {
    ManifestKind byType = ofMediaType(blob.path("mediaType").asText(null));
    if (byType != null) {
      return byType;
    }
    if (blob.has("manifests")) {
      return INDEX;
    }
    if (blob.has("config") || blob.has("layers")) {
      return MANIFEST;
    }
    return OTHER;
  }
}
