package io.oci2squashfs.image.json;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonProperty;
import java.util.List;
import java.util.Map;

/**
 * One entry of the {@code manifest.json} array that {@code docker save} writes. Paths are relative
 * to the saved directory; {@code layerSources} is keyed by diff id and present only for some layers
 * (all of them since Docker 25, foreign layers before).
 */
@JsonIgnoreProperties(ignoreUnknown = true)
public record DockerManifestEntryJson(
    @JsonProperty("Config") String config,
    @JsonProperty("RepoTags") List<String> repoTags,
    @JsonProperty("Layers") List<String> layers,
    @JsonProperty("LayerSources") Map<String, DescriptorJson> layerSources) {
  public DockerManifestEntryJson {
    repoTags = Copies.list(repoTags);
    layers = Copies.positional(layers);
    layerSources = Copies.map(layerSources);
  }
}
