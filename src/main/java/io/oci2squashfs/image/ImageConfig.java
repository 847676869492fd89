package io.oci2squashfs.image;

import java.util.List;
import java.util.Objects;

/**
 * What an image's config says about the image, beyond its layers' diff ids (which the layers
 * carry): the platform it names, how a container of it runs, and how it was built.
 *
 * @param platform the os, architecture and variant the config names, or null when it lacks an os or
 *     an architecture
 * @param container how a container of the image runs, or null when the config has no {@code config}
 *     object
 * @param history the steps the image was built by, oldest first; empty when not recorded
 */
public record ImageConfig(
    Platform platform, ContainerConfig container, List<HistoryEntry> history) {
  public ImageConfig {
    history = List.copyOf(Objects.requireNonNull(history, "history"));
  }
}
