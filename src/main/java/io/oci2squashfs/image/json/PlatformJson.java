package io.oci2squashfs.image.json;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonProperty;
import java.util.List;

/** The {@code platform} of a descriptor in an image index or manifest list. */
@JsonIgnoreProperties(ignoreUnknown = true)
public record PlatformJson(
    String architecture,
    String os,
    String variant,
    @JsonProperty("os.version") String osVersion,
    @JsonProperty("os.features") List<String> osFeatures) {
  public PlatformJson {
    osFeatures = Copies.list(osFeatures);
  }
}
