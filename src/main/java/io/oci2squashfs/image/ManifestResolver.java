package io.oci2squashfs.image;

import com.fasterxml.jackson.databind.JsonNode;
import io.oci2squashfs.image.json.DescriptorJson;
import io.oci2squashfs.image.json.ImageConfigJson;
import io.oci2squashfs.image.json.IndexJson;
import io.oci2squashfs.image.json.ManifestJson;
import io.oci2squashfs.image.json.PlatformJson;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.stream.Collectors;

/**
 * From the descriptors an image starts at (an OCI layout's chosen {@code index.json} entries, or
 * the manifest a registry gave for a tag) to the {@link Image} for one platform: indexes nested to
 * any depth are flattened, attestations and artifacts skipped, the platform chosen, and the
 * manifest and config read, each blob checked against its digest. Wherever an index states a
 * platform it must match the wanted one; a manifest reached without any platform statement is taken
 * as it is. The same walk serves every {@link BlobStore}.
 */
public final class ManifestResolver {
  private static final String REFERENCE_TYPE = "vnd.docker.reference.type";
  private static final int MAX_DEPTH = 8;

  /** A descriptor to start from, with its digest parsed. */
  public record Root(DescriptorJson descriptor, Digest digest) {}

  private final BlobStore store;

  private ManifestResolver(BlobStore store) {
    this.store = store;
  }

  /**
   * Resolves the image for {@code wanted}.
   *
   * @param roots the descriptors the image is made of: several for a multi-platform set
   * @param where what messages start with, e.g. {@code index.json}
   * @param source {@link Image#source()} up to the manifest's digest, which is appended
   */
  public static Image resolve(
      BlobStore store, List<Root> roots, Platform wanted, String where, String source)
      throws IOException {
    Objects.requireNonNull(wanted, "wanted");
    return new ManifestResolver(store).resolve(roots, wanted, where, source);
  }

  private Image resolve(List<Root> roots, Platform wanted, String where, String source)
      throws IOException {
    List<Candidate> candidates = new ArrayList<>();
    List<String> skipped = new ArrayList<>();
    for (Root r : roots) {
      collect(
          r.descriptor(),
          r.digest(),
          platformOf(r.descriptor(), where),
          where,
          0,
          candidates,
          skipped);
    }
    Candidate chosen = choosePlatform(candidates, skipped, wanted, where);
    List<Platform> offered =
        candidates.stream().map(Candidate::platform).filter(Objects::nonNull).distinct().toList();
    return loadManifest(chosen, offered, source);
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
      List<Candidate> candidates, List<String> skipped, Platform wanted, String where)
      throws ImageFormatException {
    if (candidates.isEmpty()) {
      throw new ImageFormatException(
          where
              + ": no image manifest found"
              + (skipped.isEmpty() ? "" : "; not images: " + String.join(", ", skipped)));
    }
    List<Candidate> withPlatform =
        candidates.stream().filter(c -> c.platform() != null).collect(Collectors.toList());
    if (withPlatform.isEmpty()) {
      if (candidates.size() == 1) {
        return candidates.get(0);
      }
      throw new ImageFormatException(
          where
              + ": "
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
          where
              + ": no manifest for platform "
              + wanted
              + "; available: "
              + withPlatform.stream()
                  .map(c -> c.platform().toString())
                  .distinct()
                  .collect(Collectors.joining(", ")));
    }
    return match;
  }

  private Image loadManifest(Candidate chosen, List<Platform> offered, String source)
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
    byte[] configBytes = store.readConfig(configDigest, manifest.config().size(), configWhere);
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
    return new Image(
        source + ", manifest " + chosen.digest(),
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
    return store.layer(index, digest, diffId, d.mediaType(), d.size(), d.urls(), layerWhere);
  }

  private JsonNode readBlob(Digest digest, long size, String where, String what)
      throws IOException {
    String blobWhere = where + ": " + what + " " + digest;
    byte[] bytes = store.readManifest(digest, size, blobWhere);
    return JsonFiles.parseTree(bytes, digest.blobPath(), blobWhere);
  }

  static void checkSchemaVersion(Integer version, String where) throws ImageFormatException {
    if (version != null && version != 2) {
      throw new ImageFormatException(
          where + ": unsupported schemaVersion " + version + " (expected 2)");
    }
  }

  /**
   * The descriptor's digest, parsed; a malformed one is an error that starts with {@code where}.
   */
  static Digest digestOf(DescriptorJson d, String where) throws ImageFormatException {
    try {
      return Digest.parse(d.digest());
    } catch (IllegalArgumentException e) {
      throw new ImageFormatException(where + ": " + e.getMessage(), e);
    }
  }

  static Platform platformOf(DescriptorJson d, String where) throws ImageFormatException {
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
  static boolean isSkipped(DescriptorJson d) {
    if ("attestation-manifest".equals(d.annotation(REFERENCE_TYPE))) {
      return true;
    }
    if (d.artifactType() != null) {
      return true;
    }
    PlatformJson p = d.platform();
    return p != null && "unknown".equals(p.os()) && "unknown".equals(p.architecture());
  }

  /**
   * A manifest reached through the indexes, with the platform the last index gave it (or null);
   * {@code where} is the chain of indexes that led to it.
   */
  private record Candidate(
      DescriptorJson descriptor, Digest digest, Platform platform, String where) {}
}
