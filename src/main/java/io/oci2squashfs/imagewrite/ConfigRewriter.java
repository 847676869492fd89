package io.oci2squashfs.imagewrite;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.oci2squashfs.image.Digest;
import io.oci2squashfs.image.RawJson;
import io.oci2squashfs.image.json.Json;
import java.io.IOException;
import java.util.List;
import java.util.function.Consumer;

/**
 * The config of a squashed image: the original with every field kept, but {@code rootfs.diff_ids}
 * listing the kept layers and the new one, and {@code history} with the squashed steps folded into
 * one entry.
 *
 * <p>History entries are matched to layers in order, skipping {@code empty_layer} ones. The entries
 * before the first squashed layer's entry stay (empty ones among them too); that entry and every
 * later one, empty ones included (they sat among or above the squashed layers), become one entry
 * with the message as {@code created_by} and the newest {@code created} among them.
 */
public final class ConfigRewriter {
  private ConfigRewriter() {}

  /**
   * @param original the config as read; parsed here, and left as it is
   * @param kept how many layers from the base stay as they are
   * @param layerCount how many layers the image had
   * @param squashedCount how many layers the new one replaces
   */
  public static ObjectNode rewrite(
      RawJson original,
      int kept,
      int layerCount,
      List<Digest> keptDiffIds,
      Digest newDiffId,
      String message,
      Consumer<String> warnings) {
    ObjectNode config = parse(original);
    ObjectNode rootfs = JsonNodeFactory.instance.objectNode();
    rootfs.put("type", "layers");
    ArrayNode diffIds = rootfs.putArray("diff_ids");
    keptDiffIds.forEach(d -> diffIds.add(d.toString()));
    diffIds.add(newDiffId.toString());
    config.set("rootfs", rootfs);

    JsonNode history = config.get("history");
    if (history == null || !history.isArray()) {
      return config;
    }
    int withLayer = 0;
    int firstSquashed = -1;
    for (int i = 0; i < history.size(); i++) {
      if (!history.get(i).path("empty_layer").asBoolean(false)) {
        if (withLayer == kept) {
          firstSquashed = i;
        }
        withLayer++;
      }
    }
    ArrayNode rewritten = JsonNodeFactory.instance.arrayNode();
    String created = null;
    if (withLayer != layerCount || firstSquashed < 0) {
      warnings.accept(
          "the config's history has "
              + withLayer
              + " entries with a layer for "
              + layerCount
              + " layers; it is replaced by one entry per layer");
      for (int i = 0; i < kept; i++) {
        rewritten.addObject().put("created_by", "(layer " + i + ": history not recorded)");
      }
    } else {
      for (int i = 0; i < firstSquashed; i++) {
        rewritten.add(history.get(i));
      }
      for (int i = firstSquashed; i < history.size(); i++) {
        String c = history.get(i).path("created").asText(null);
        if (c != null && (created == null || c.compareTo(created) > 0)) {
          created = c;
        }
      }
    }
    ObjectNode entry = rewritten.addObject();
    if (created != null) {
      entry.put("created", created);
    }
    entry.put("created_by", message);
    entry.put("comment", "oci2squashfs squash: " + (layerCount - kept) + " layers in one");
    config.set("history", rewritten);
    return config;
  }

  /** The whole document, every field this tool does not know included. */
  private static ObjectNode parse(RawJson original) {
    JsonNode document;
    try {
      document = original == null ? null : Json.MAPPER.readTree(original.bytes());
    } catch (IOException e) {
      throw new IllegalArgumentException("the image config is not JSON: " + e.getMessage(), e);
    }
    if (document == null || !document.isObject()) {
      throw new IllegalArgumentException("the image config is not a JSON object");
    }
    return (ObjectNode) document;
  }
}
