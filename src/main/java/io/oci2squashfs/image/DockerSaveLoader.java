package io.oci2squashfs.image;

import io.oci2squashfs.image.json.DescriptorJson;
import io.oci2squashfs.image.json.DockerManifestEntryJson;
import io.oci2squashfs.image.json.ImageConfigJson;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Reads a {@code docker save} directory or archive: {@code manifest.json} names the config and the
 * layers by path, either {@code <id>/layer.tar} (before Docker 25), {@code <hex>.tar} (skopeo) or
 * {@code blobs/sha256/<hex>}.
 */
final class DockerSaveLoader {
  private static final java.util.regex.Pattern CONFIG_NAME =
      java.util.regex.Pattern.compile("(?:.*/)?(?:blobs/sha256/)?([0-9a-f]{64})(?:\\.json)?");
  private static final Pattern BLOB_PATH = Pattern.compile("blobs/(sha256|sha512)/([0-9a-f]+)");
  private static final Pattern HEX_NAME = Pattern.compile("(?:.*/)?([0-9a-f]{64})(?:\\.json)?");

  private DockerSaveLoader() {}

  static Image load(ImageFiles files, String refName) throws IOException {
    byte[] bytes = JsonFiles.read(files, "manifest.json", "manifest.json", -1);
    DockerManifestEntryJson[] all =
        JsonFiles.parse(bytes, DockerManifestEntryJson[].class, "manifest.json", "manifest.json");
    List<DockerManifestEntryJson> entries = new ArrayList<>();
    for (int i = 0; i < all.length; i++) {
      if (all[i] == null) {
        throw new ImageFormatException("manifest.json: entry " + i + " is null");
      }
      if (refName == null || hasTag(all[i], refName)) {
        entries.add(all[i]);
      }
    }
    if (entries.isEmpty()) {
      throw new ImageFormatException(
          refName == null
              ? "manifest.json: no images"
              : "manifest.json: no image tagged \"" + refName + "\"; it holds " + describe(all));
    }
    if (entries.size() > 1) {
      throw new ImageFormatException(
          "manifest.json: holds "
              + entries.size()
              + " images and none was chosen by name: "
              + describe(entries.toArray(new DockerManifestEntryJson[0])));
    }
    return load(files, entries.get(0));
  }

  private static Image load(ImageFiles files, DockerManifestEntryJson entry) throws IOException {
    String where = "manifest.json";
    if (entry.config() == null) {
      throw new ImageFormatException(where + ": no Config");
    }
    files.resolve(entry.config(), where + ": Config");
    String configWhere = where + ": config " + entry.config();
    byte[] bytes = JsonFiles.read(files, entry.config(), configWhere, -1);
    // docker names the config by its digest: <hex>.json, or blobs/sha256/<hex> in newer saves
    java.util.regex.Matcher named = CONFIG_NAME.matcher(entry.config());
    if (named.matches()) {
      JsonFiles.checkDigest(bytes, Digest.parse("sha256:" + named.group(1)), configWhere);
    }
    ImageConfigJson config =
        JsonFiles.parse(bytes, ImageConfigJson.class, entry.config(), configWhere);
    List<Digest> diffIds = ConfigTranslator.diffIds(config, entry.layers().size(), configWhere);

    List<Layer> layers = new ArrayList<>();
    for (int i = 0; i < entry.layers().size(); i++) {
      layers.add(layer(files, entry, i, diffIds.get(i)));
    }
    String tags =
        entry.repoTags().isEmpty() ? "" : " (" + String.join(", ", entry.repoTags()) + ")";
    String kind = files.isArchive() ? "docker save archive " : "docker save directory ";
    ImageConfig imageConfig = ConfigTranslator.imageConfig(config);
    return new Image(
        kind + files.location() + tags,
        imageConfig.platform(),
        null,
        digestInName(entry.config()),
        layers,
        imageConfig,
        List.of(),
        new RawJson(bytes));
  }

  private static Layer layer(
      ImageFiles files, DockerManifestEntryJson entry, int index, Digest diffId)
      throws IOException {
    String relative = entry.layers().get(index);
    String where = "manifest.json: Layers[" + index + "]";
    if (relative == null) {
      throw new ImageFormatException(where + " is null");
    }
    String name = files.resolve(relative, where);
    if (!files.isFile(name)) {
      throw new ImageFormatException(where + ": layer file missing (" + relative + ")");
    }
    Digest digest = null;
    Matcher m = BLOB_PATH.matcher(relative);
    if (m.matches()) {
      try {
        digest = new Digest(m.group(1), m.group(2));
      } catch (IllegalArgumentException e) {
        throw new ImageFormatException(where + ": " + relative + ": " + e.getMessage(), e);
      }
    }
    // LayerSources is keyed by diff id; the blob digest is the same for the uncompressed
    // layers docker save writes, so it is worth a second look.
    DescriptorJson source = diffId == null ? null : entry.layerSources().get(diffId.toString());
    if (source == null && digest != null) {
      source = entry.layerSources().get(digest.toString());
    }
    String mediaType = source == null ? null : source.mediaType();
    return new Layer(
        index, digest, diffId, mediaType, files.size(name), relative, files.opener(name));
  }

  // RepoTags as docker writes them ("demo:latest") or as skopeo does
  // ("docker.io/library/demo:latest") name the same image.
  private static boolean hasTag(DockerManifestEntryJson entry, String refName) {
    String wanted = DockerNames.normalise(refName);
    for (String tag : entry.repoTags()) {
      if (tag.equals(refName) || DockerNames.normalise(tag).equals(wanted)) {
        return true;
      }
    }
    return false;
  }

  private static Digest digestInName(String path) {
    Matcher blob = BLOB_PATH.matcher(path);
    if (blob.matches()) {
      try {
        return new Digest(blob.group(1), blob.group(2));
      } catch (IllegalArgumentException e) {
        return null;
      }
    }
    Matcher hex = HEX_NAME.matcher(path);
    return hex.matches() ? new Digest("sha256", hex.group(1)) : null;
  }

  private static String describe(DockerManifestEntryJson[] entries) {
    List<String> names = new ArrayList<>();
    for (DockerManifestEntryJson e : entries) {
      names.add(
          e.repoTags().isEmpty()
              ? "(untagged, config " + e.config() + ")"
              : String.join(" ", e.repoTags()));
    }
    return String.join(", ", names);
  }
}
