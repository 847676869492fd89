package io.oci2squashfs.image;

import io.oci2squashfs.image.json.ImageConfigJson;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * The one place an image config's wire JSON ({@link ImageConfigJson}) becomes the model: an {@link
 * ImageConfig}, and the diff ids the loaders give the layers.
 */
final class ConfigTranslator {
  private ConfigTranslator() {}

  /** The config as the model holds it. */
  static ImageConfig imageConfig(ImageConfigJson config) {
    ImageConfigJson.ContainerConfigJson c = config.config();
    ContainerConfig container =
        c == null
            ? null
            : new ContainerConfig(
                c.entrypoint(), c.cmd(), c.env(), c.workingDir(), c.user(), c.labels());
    List<HistoryEntry> history = new ArrayList<>();
    for (ImageConfigJson.HistoryJson h : config.history()) {
      history.add(new HistoryEntry(h.created(), h.createdBy(), h.comment(), h.emptyLayer()));
    }
    return new ImageConfig(platform(config), container, history);
  }

  /**
   * The diff ids for {@code layerCount} layers, by position; all null when the config lists none.
   *
   * @throws ImageFormatException when the config lists a different number or a malformed one
   */
  static List<Digest> diffIds(ImageConfigJson config, int layerCount, String where)
      throws ImageFormatException {
    List<String> raw = config.diffIds();
    if (raw.isEmpty()) {
      return Collections.nCopies(layerCount, null);
    }
    if (raw.size() != layerCount) {
      throw new ImageFormatException(
          where + ": rootfs.diff_ids has " + raw.size() + " entries for " + layerCount + " layers");
    }
    List<Digest> diffIds = new ArrayList<>(layerCount);
    for (int i = 0; i < raw.size(); i++) {
      try {
        diffIds.add(Digest.parse(raw.get(i)));
      } catch (IllegalArgumentException e) {
        throw new ImageFormatException(
            where + ": rootfs.diff_ids[" + i + "]: " + e.getMessage(), e);
      }
    }
    return diffIds;
  }

  /** The config's platform, or null when it lacks os or architecture. */
  private static Platform platform(ImageConfigJson config) {
    if (config.os() == null
        || config.os().isBlank()
        || config.architecture() == null
        || config.architecture().isBlank()) {
      return null;
    }
    return new Platform(config.os(), config.architecture(), config.variant());
  }
}
