package io.oci2squashfs.image;

import io.oci2squashfs.image.json.ImageConfigJson;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/** Reads what the loaders need from an image config. */
final class Configs {
  private Configs() {}

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
          where + ": rootfs.diff_ids has " + raw.size() + " entries for " + layerCount
              + " layers");
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
  static Platform platform(ImageConfigJson config) {
    if (config.os() == null || config.os().isBlank()
        || config.architecture() == null || config.architecture().isBlank()) {
      return null;
    }
    return new Platform(config.os(), config.architecture(), config.variant());
  }
}
