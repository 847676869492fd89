package io.oci2squashfs.image.json;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import java.util.List;
import java.util.Map;

/**
 * An OCI content descriptor: what a blob is, its digest and size. {@code size} is -1 when the JSON
 * has none; {@code platform} is null when absent.
 */
@JsonIgnoreProperties(ignoreUnknown = true)
public record DescriptorJson(
    String mediaType,
    String digest,
    Long size,
    PlatformJson platform,
    Map<String, String> annotations,
    List<String> urls,
    String artifactType) {
  /** The annotation an OCI layout's index names a manifest by: its tag. */
  public static final String REF_NAME = "org.opencontainers.image.ref.name";

  public DescriptorJson {
    size = size == null ? -1L : size;
    annotations = Copies.map(annotations);
    urls = Copies.list(urls);
  }

  /** The annotation's value, or null. */
  public String annotation(String key) {
    return annotations.get(key);
  }
}
