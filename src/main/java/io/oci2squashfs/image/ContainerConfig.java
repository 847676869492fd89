package io.oci2squashfs.image;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * How a container of an image runs, from its config's {@code config} object.
 *
 * @param entrypoint the command run, or null when absent (null and empty mean different things to
 *     runtimes)
 * @param cmd the arguments to the entrypoint, or the command without one; null when absent
 * @param env {@code NAME=VALUE} entries, in the config's order
 * @param workingDir the directory the command runs in, or null when absent
 * @param user the user (and group) the command runs as, or null when absent
 * @param labels the image's labels, in the config's order
 */
public record ContainerConfig(
    List<String> entrypoint,
    List<String> cmd,
    List<String> env,
    String workingDir,
    String user,
    Map<String, String> labels) {
  public ContainerConfig {
    entrypoint = entrypoint == null ? null : List.copyOf(entrypoint);
    cmd = cmd == null ? null : List.copyOf(cmd);
    env = List.copyOf(Objects.requireNonNull(env, "env"));
    Objects.requireNonNull(labels, "labels");
    labels.forEach((k, v) -> Objects.requireNonNull(v, () -> "label " + k + " has no value"));
    labels = Collections.unmodifiableMap(new LinkedHashMap<>(labels)); // Map.copyOf loses the order
  }
}
