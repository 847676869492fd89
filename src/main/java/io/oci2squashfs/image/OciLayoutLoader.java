package io.oci2squashfs.image;

import com.fasterxml.jackson.databind.JsonNode;
import io.oci2squashfs.image.json.DescriptorJson;
import io.oci2squashfs.image.json.ImageConfigJson;
import io.oci2squashfs.image.json.IndexJson;
import io.oci2squashfs.image.json.ManifestJson;
import io.oci2squashfs.image.json.OciLayoutJson;
import io.oci2squashfs.image.json.PlatformJson;
import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * Reads an OCI image layout, in a directory or an archive: {@code oci-layout}, {@code index.json}
 * and {@code blobs/<alg>/<hex>}.
 *
 * <p>Choosing the image: the top-level entries of {@code index.json} that carry a ref name, and
 * those with neither ref name nor platform, are separate images (tags); untagged entries with a
 * platform together form one multi-platform image. Attestations and artifacts are skipped. Exactly
 * one image must remain, unless a ref name picks one. Indexes (nested to any depth) are then
 * flattened and the platform chosen: wherever an index states a platform it must match the wanted
 * one; a manifest reached without any platform statement is taken as it is.
 */
final class OciLayoutLoader {
  static final String REF_NAME = DescriptorJson.REF_NAME;
  static final String CONTAINERD_NAME = "io.containerd.image.name";
  private static final String REFERENCE_TYPE = "vnd.docker.reference.type";
  private static final int MAX_DEPTH = 8;

  private final ImageFiles files;

  private OciLayoutLoader(ImageFiles files) {
    this.files = files;
  }

  static Image load(ImageFiles files, Platform wanted, String refName) throws IOException {
    return new OciLayoutLoader(files).load(wanted, refName);
  }

  private Image load(Platform wanted, String refName) throws IOException {
    checkLayoutVersion();
    byte[] bytes = JsonFiles.read(files, "index.json", "index.json", -1);
    IndexJson index = JsonFiles.parse(bytes, IndexJson.class, "index.json", "index.json");
    checkSchemaVersion(index.schemaVersion(), "index.json");

    List<Entry> entries = new ArrayList<>();
    for (int i = 0; i < index.manifests().size(); i++) {
      DescriptorJson d = index.manifests().get(i);
      String where = "index.json: manifests[" + i + "]";
      if (d == null) {
        throw new ImageFormatException(where + " is null");
      }
      if (!isSkipped(d)) {
        entries.add(new Entry(d, digestOf(d, where)));
      }
    }
    if (refName != null) {
      entries = withRefName(entries, refName);
    }
    List<Entry> images = chooseImage(entries);

    List<Candidate> candidates = new ArrayList<>();
    List<String> skipped = new ArrayList<>();
    for (Entry e : images) {
      collect(
          e.descriptor(),
          e.digest(),
          platformOf(e.descriptor(), "index.json"),
          "index.json",
          0,
          candidates,
          skipped);
    }
    Candidate chosen = choosePlatform(candidates, skipped, wanted);
    String ref = images.get(0).descriptor().annotation(REF_NAME);
    List<Platform> offered =
        candidates.stream()
            .map(Candidate::platform)
            .filter(java.util.Objects::nonNull)
            .distinct()
            .toList();
    return loadManifest(chosen, ref, offered);
  }

  private void checkLayoutVersion() throws IOException {
    if (!files.exists(files.resolve("oci-layout", "oci-layout"))) {
      return; // required by the spec, but some writers leave it out; index.json says enough
    }
    byte[] bytes = JsonFiles.read(files, "oci-layout", "oci-layout", -1);
    OciLayoutJson layout = JsonFiles.parse(bytes, OciLayoutJson.class, "oci-layout", "oci-layout");
    String version = layout.imageLayoutVersion();
    if (version == null) {
      throw new ImageFormatException("oci-layout: no imageLayoutVersion");
    }
    if (!version.equals("1") && !version.startsWith("1.")) {
      throw new ImageFormatException(
          "oci-layout: unsupported imageLayoutVersion \"" + version + "\" (expected 1.x)");
    }
  }

  private static void checkSchemaVersion(Integer version, String where)
      throws ImageFormatException {
    if (version != null && version != 2) {
      throw new ImageFormatException(
          where + ": unsupported schemaVersion " + version + " (expected 2)");
    }
  }

  private static List<Entry> withRefName(List<Entry> entries, String refName)
      throws ImageFormatException {
    List<Entry> named = new ArrayList<>();
    for (Entry e : entries) {
      if (refName.equals(e.descriptor().annotation(REF_NAME))
          || refName.equals(e.descriptor().annotation(CONTAINERD_NAME))) {
        named.add(e);
      }
    }
    if (named.isEmpty()) {
      throw new ImageFormatException(
          "index.json: no image named \"" + refName + "\"; it holds " + describe(entries));
    }
    return named;
  }

  // The top-level entries that make up the one image to read.
  private static List<Entry> chooseImage(List<Entry> entries) throws ImageFormatException {
    Map<Digest, Entry> separate = new LinkedHashMap<>();
    List<Entry> platformSet = new ArrayList<>();
    for (Entry e : entries) {
      if (e.descriptor().annotation(REF_NAME) == null && e.descriptor().platform() != null) {
        platformSet.add(e);
      } else {
        separate.putIfAbsent(e.digest(), e); // several tags on one manifest are one image
      }
    }
    int images = separate.size() + (platformSet.isEmpty() ? 0 : 1);
    if (images == 0) {
      throw new ImageFormatException("index.json: no image manifests");
    }
    if (images > 1) {
      throw new ImageFormatException(
          "index.json: holds "
              + images
              + " images and none was chosen by name: "
              + describe(entries));
    }
    return platformSet.isEmpty() ? List.copyOf(separate.values()) : platformSet;
  }

  private static String describe(List<Entry> entries) {
    List<String> names = new ArrayList<>();
    List<String> platforms = new ArrayList<>();
    for (Entry e : entries) {
      String ref = e.descriptor().annotation(REF_NAME);
      PlatformJson p = e.descriptor().platform();
      if (ref == null && p != null) {
        platforms.add(p.os() + "/" + p.architecture() + " " + e.digest());
      } else {
        String name = ref != null ? ref : "(no ref name)";
        String text = name + " " + e.digest();
        if (!names.contains(text)) {
          names.add(text);
        }
      }
    }
    if (!platforms.isEmpty()) {
      names.add("a multi-platform image without ref name (" + String.join(", ", platforms) + ")");
    }
    return names.isEmpty() ? "no images" : String.join(", ", names);
  }

  // Follows d down to the manifests it leads to.
  private void collect(
      DescriptorJson d,
      Digest digest,
      Platform platform,
      String where,
      int depth,
      List<Candidate> out,
      List<String> skipped)
      throws IOException {
    ManifestKind kind = ManifestKind.ofMediaType(d.mediaType());
    JsonNode blob = null;
    if (kind == null) {
      blob = readBlob(digest, d.size(), where, "manifest");
      kind = ManifestKind.ofBlob(blob);
    }
    switch (kind) {
      case MANIFEST:
        out.add(new Candidate(d, digest, platform, where));
        return;
      case OTHER:
        skipped.add(
            digest + " (" + (d.mediaType() == null ? "unknown content" : d.mediaType()) + ")");
        return;
      case INDEX:
      default:
        break;
    }
    String indexWhere = where + ": index " + digest;
    if (depth >= MAX_DEPTH) {
      throw new ImageFormatException(indexWhere + ": indexes nested deeper than " + MAX_DEPTH);
    }
    if (blob == null) {
      blob = readBlob(digest, d.size(), where, "index");
    }
    IndexJson index = JsonFiles.convert(blob, IndexJson.class, digest.blobPath(), indexWhere);
    checkSchemaVersion(index.schemaVersion(), indexWhere);
    for (int i = 0; i < index.manifests().size(); i++) {
      DescriptorJson child = index.manifests().get(i);
      String childWhere = indexWhere + ": manifests[" + i + "]";
      if (child == null) {
        throw new ImageFormatException(childWhere + " is null");
      }
      if (isSkipped(child)) {
        continue;
      }
      Digest childDigest = digestOf(child, childWhere);
      collect(
          child, childDigest, platformOf(child, childWhere), indexWhere, depth + 1, out, skipped);
    }
  }

  private static Candidate choosePlatform(
      List<Candidate> candidates, List<String> skipped, Platform wanted)
      throws ImageFormatException {
    if (candidates.isEmpty()) {
      throw new ImageFormatException(
          "index.json: no image manifest found"
              + (skipped.isEmpty() ? "" : "; not images: " + String.join(", ", skipped)));
    }
    List<Candidate> withPlatform =
        candidates.stream().filter(c -> c.platform() != null).collect(Collectors.toList());
    if (withPlatform.isEmpty()) {
      if (candidates.size() == 1) {
        return candidates.get(0);
      }
      throw new ImageFormatException(
          "index.json: "
              + candidates.size()
              + " manifests and no platform to choose by: "
              + candidates.stream()
                  .map(c -> c.digest().toString())
                  .collect(Collectors.joining(", ")));
    }
    Candidate match = null;
    for (Candidate c : withPlatform) {
      if (wanted.matchesExactly(c.platform())) {
        return c;
      }
      if (match == null && wanted.matches(c.platform())) {
        match = c;
      }
    }
    if (match == null) {
      throw new ImageFormatException(
          "index.json: no manifest for platform "
              + wanted
              + "; available: "
              + withPlatform.stream()
                  .map(c -> c.platform().toString())
                  .distinct()
                  .collect(Collectors.joining(", ")));
    }
    return match;
  }

  private Image loadManifest(Candidate chosen, String ref, List<Platform> offered)
      throws IOException {
    String where = chosen.where() + ": manifest " + chosen.digest();
    JsonNode node =
        readBlob(chosen.digest(), chosen.descriptor().size(), chosen.where(), "manifest");
    String name = chosen.digest().blobPath();
    ManifestJson manifest = JsonFiles.convert(node, ManifestJson.class, name, where);
    checkSchemaVersion(manifest.schemaVersion(), where);
    if (manifest.config() == null) {
      throw new ImageFormatException(where + ": no config");
    }
    Digest configDigest = digestOf(manifest.config(), where + ": config");
    String configWhere = where + ": config " + configDigest;
    byte[] configBytes = readBlobBytes(configDigest, manifest.config().size(), configWhere);
    JsonNode configNode = JsonFiles.parseTree(configBytes, configDigest.blobPath(), configWhere);
    ImageConfigJson config =
        JsonFiles.convert(configNode, ImageConfigJson.class, configDigest.blobPath(), configWhere);
    List<Digest> diffIds = ConfigTranslator.diffIds(config, manifest.layers().size(), configWhere);

    List<Layer> layers = new ArrayList<>();
    for (int i = 0; i < manifest.layers().size(); i++) {
      DescriptorJson d = manifest.layers().get(i);
      if (d == null) {
        throw new ImageFormatException(where + ": layers[" + i + "] is null");
      }
      layers.add(layer(i, manifest.layers().size(), d, diffIds.get(i), where));
    }
    ImageConfig imageConfig = ConfigTranslator.imageConfig(config);
    Platform platform = imageConfig.platform();
    String kind = files.isArchive() ? "OCI archive " : "OCI image layout ";
    String source =
        kind
            + files.location()
            + (ref == null ? "" : " (" + ref + ")")
            + ", manifest "
            + chosen.digest();
    return new Image(
        source,
        platform != null ? platform : chosen.platform(),
        chosen.digest(),
        configDigest,
        layers,
        imageConfig,
        offered,
        new RawJson(configBytes));
  }

  private Layer layer(int index, int count, DescriptorJson d, Digest diffId, String where)
      throws IOException {
    Digest digest = digestOf(d, where + ": layers[" + index + "]");
    String layerWhere = where + ": layer " + index + "/" + count + " " + digest;
    String name = digest.blobPath();
    String resolved = files.resolve(name, layerWhere);
    if (!files.isFile(resolved)) {
      String hint =
          d.urls().isEmpty()
              ? ""
              : "; it is a non-distributable layer, fetched from " + String.join(" or ", d.urls());
      throw new ImageFormatException(layerWhere + ": blob missing (" + name + ")" + hint);
    }
    long size = files.size(resolved);
    if (d.size() >= 0 && size != d.size()) {
      throw new ImageFormatException(
          layerWhere + ": " + name + " has " + size + " bytes but its descriptor says " + d.size());
    }
    return new Layer(index, digest, diffId, d.mediaType(), size, name, files.opener(resolved));
  }

  private JsonNode readBlob(Digest digest, long size, String where, String what)
      throws IOException {
    String blobWhere = where + ": " + what + " " + digest;
    byte[] bytes = readBlobBytes(digest, size, blobWhere);
    return JsonFiles.parseTree(bytes, digest.blobPath(), blobWhere);
  }

  /** A JSON blob's bytes, checked against its size and digest. */
  private byte[] readBlobBytes(Digest digest, long size, String blobWhere) throws IOException {
    byte[] bytes = JsonFiles.read(files, digest.blobPath(), blobWhere, size);
    JsonFiles.checkDigest(bytes, digest, blobWhere);
    return bytes;
  }

  private static Digest digestOf(DescriptorJson d, String where) throws ImageFormatException {
    try {
      return Digest.parse(d.digest());
    } catch (IllegalArgumentException e) {
      throw new ImageFormatException(where + ": " + e.getMessage(), e);
    }
  }

  private static Platform platformOf(DescriptorJson d, String where) throws ImageFormatException {
    PlatformJson p = d.platform();
    if (p == null) {
      return null;
    }
    try {
      return new Platform(p.os(), p.architecture(), p.variant());
    } catch (IllegalArgumentException e) {
      throw new ImageFormatException(where + ": platform: " + e.getMessage(), e);
    }
  }

  // Attestations (BuildKit's provenance and SBOM manifests) and OCI artifacts are not images.
  private static boolean isSkipped(DescriptorJson d) {
    if ("attestation-manifest".equals(d.annotation(REFERENCE_TYPE))) {
      return true;
    }
    if (d.artifactType() != null) {
      return true;
    }
    PlatformJson p = d.platform();
    return p != null && "unknown".equals(p.os()) && "unknown".equals(p.architecture());
  }

  /** A top-level entry of index.json. */
  private record Entry(DescriptorJson descriptor, Digest digest) {}

  /**
   * A manifest reached through the indexes, with the platform the last index gave it (or null);
   * {@code where} is the chain of indexes that led to it.
   */
  private record Candidate(
      DescriptorJson descriptor, Digest digest, Platform platform, String where) {}
}
