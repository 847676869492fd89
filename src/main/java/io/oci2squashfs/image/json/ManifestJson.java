package io.oci2squashfs.image.json;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import java.util.List;

/**
 * An OCI image manifest or a Docker v2 schema 2 manifest: the config and the layers, base first.
 * {@code config} is null when absent.
 */
@JsonIgnoreProperties(ignoreUnknown = true)
public record ManifestJson(
    Integer schemaVersion, String mediaType, DescriptorJson config, List<DescriptorJson> layers) {
  public ManifestJson {
    layers = Copies.positional(layers);
  }
}
