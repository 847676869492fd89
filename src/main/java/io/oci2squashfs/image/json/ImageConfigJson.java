package io.oci2squashfs.image.json;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonProperty;
import java.util.List;
import java.util.Map;

/**
 * The parts of an image config (OCI or Docker) this tool uses. {@code rootfs} and {@code config}
 * are null when absent.
 */
@JsonIgnoreProperties(ignoreUnknown = true)
public record ImageConfigJson(
    String architecture,
    String os,
    String variant,
    RootFsJson rootfs,
    ContainerConfigJson config,
    List<HistoryJson> history) {
  public ImageConfigJson {
    history = Copies.list(history);
  }

  /** The layers' diff ids (sha256 of each uncompressed tar), base first; empty when absent. */
  public List<String> diffIds() {
    return rootfs == null ? List.of() : rootfs.diffIds();
  }

  /** {@code rootfs}: the uncompressed layer digests. */
  @JsonIgnoreProperties(ignoreUnknown = true)
  public record RootFsJson(String type, @JsonProperty("diff_ids") List<String> diffIds) {
    public RootFsJson {
      diffIds = Copies.positional(diffIds);
    }
  }

  /** {@code config}: how a container of this image runs. */
  @JsonIgnoreProperties(ignoreUnknown = true)
  public record ContainerConfigJson(
      @JsonProperty("Entrypoint") List<String> entrypoint,
      @JsonProperty("Cmd") List<String> cmd,
      @JsonProperty("Env") List<String> env,
      @JsonProperty("WorkingDir") String workingDir,
      @JsonProperty("User") String user,
      @JsonProperty("Labels") Map<String, String> labels) {
    public ContainerConfigJson {
      // Entrypoint and Cmd stay null when absent: null and [] mean different things to runtimes.
      entrypoint = entrypoint == null ? null : Copies.list(entrypoint);
      cmd = cmd == null ? null : Copies.list(cmd);
      env = Copies.list(env);
      labels = Copies.map(labels);
    }
  }

  /** One {@code history} entry; {@code emptyLayer} entries have no layer of their own. */
  @JsonIgnoreProperties(ignoreUnknown = true)
  public record HistoryJson(
      String created,
      @JsonProperty("created_by") String createdBy,
      String comment,
      @JsonProperty("empty_layer") boolean emptyLayer) {}
}
