package io.oci2squashfs.image.json;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import java.util.List;
import java.util.Map;

/**
 * An OCI image index ({@code index.json} or a blob) or a Docker manifest list; both have this
 * shape. {@code schemaVersion} is null when absent.
 */
@JsonIgnoreProperties(ignoreUnknown = true)
public record IndexJson(
    Integer schemaVersion,
    String mediaType,
    List<DescriptorJson> manifests,
    Map<String, String> annotations) {
  public IndexJson {
    manifests = Copies.positional(manifests);
    annotations = Copies.map(annotations);
  }
}
