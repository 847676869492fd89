package io.oci2squashfs.imagewrite;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.oci2squashfs.cleanup.PendingOutput;
import io.oci2squashfs.image.Digest;
import io.oci2squashfs.image.Digester;
import io.oci2squashfs.image.Layer;
import io.oci2squashfs.image.json.DescriptorJson;
import io.oci2squashfs.image.json.Json;
import io.oci2squashfs.layer.Compression;
import io.oci2squashfs.layer.LayerException;
import io.oci2squashfs.layer.LayerOpener;
import io.oci2squashfs.layer.MediaTypes;
import io.oci2squashfs.tar.EntryPath;
import io.oci2squashfs.tar.EntryType;
import io.oci2squashfs.tar.PaxTarWriter;
import io.oci2squashfs.tar.TarHeader;
import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.Consumer;
import java.util.stream.Stream;

/**
 * Writes an image into a staging directory as an OCI image layout or a docker save, then publishes
 * it as the output: the directory renamed, or packed into a tar archive. Blobs are stored under
 * {@code blobs/sha256/<hex>} in both formats (as Docker 25 saves them).
 */
public final class ImageWriter {
  public static final String OCI_MANIFEST = "application/vnd.oci.image.manifest.v1+json";
  public static final String OCI_INDEX = "application/vnd.oci.image.index.v1+json";
  public static final String OCI_CONFIG = "application/vnd.oci.image.config.v1+json";

  private final Path staging;
  private final Consumer<String> warnings;
  private final List<ObjectNode> layerDescriptors = new ArrayList<>();
  private final List<String> layerPaths = new ArrayList<>();

  /** Writes into {@code staging}, an empty directory that the caller removes afterwards. */
  public ImageWriter(Path staging, Consumer<String> warnings) throws IOException {
    this.staging = staging;
    this.warnings = warnings;
    Files.createDirectories(blobDir());
  }

  /** Where blobs go; a new layer may be written here and {@linkplain #addNewLayer added}. */
  public Path blobDir() {
    return staging.resolve("blobs").resolve("sha256");
  }

  /**
   * Copies a layer's blob byte for byte, checking it against its digest when the image gives one.
   *
   * @return the blob's digest
   */
  public Digest copyLayer(Layer layer, int layerCount) throws IOException {
    Path tmp = Files.createTempFile(blobDir(), "copy-", ".tmp");
    Digester hash = Digester.sha256();
    byte[] head = new byte[Compression.SNIFF_LENGTH];
    int headLen = 0;
    try (InputStream in = layer.open();
        OutputStream out = hash.writing(Files.newOutputStream(tmp))) {
      byte[] buf = new byte[256 * 1024];
      for (int n = in.read(buf); n >= 0; n = in.read(buf)) {
        if (headLen < head.length) {
          int take = Math.min(n, head.length - headLen);
          System.arraycopy(buf, 0, head, headLen, take);
          headLen += take;
        }
        out.write(buf, 0, n);
      }
    } catch (IOException e) {
      Files.deleteIfExists(tmp);
      throw LayerException.wrap(e, layer.index(), layerCount, layer.label());
    }
    Digest digest = hash.digest();
    long size = hash.count();
    try {
      check(layer, digest, size, tmp);
    } catch (LayerException e) {
      Files.deleteIfExists(tmp);
      String note = layer.opener().checked(false); // a cache drops a copy that failed
      LayerException noted = note == null ? e : new LayerException(e.detail() + "; " + note);
      throw LayerException.wrap(noted, layer.index(), layerCount, layer.label());
    } catch (IOException e) {
      Files.deleteIfExists(tmp);
      throw LayerException.wrap(e, layer.index(), layerCount, layer.label());
    }
    layer.opener().checked(true);
    Files.move(tmp, blobDir().resolve(digest.hex()), StandardCopyOption.REPLACE_EXISTING);
    String mediaType;
    try {
      mediaType = ociLayerMediaType(layer.mediaType(), head, headLen);
    } catch (LayerException e) {
      throw LayerException.wrap(e, layer.index(), layerCount, layer.label());
    }
    addDescriptor(mediaType, digest, size);
    return digest;
  }

  /**
   * Checks a copied blob as a merge would check it (see {@code CheckedLayerSource}): its size and
   * digest, or, for a docker save that gives no digest, its tar's diff id.
   */
  private static void check(Layer layer, Digest digest, long size, Path copy) throws IOException {
    if (layer.size() >= 0 && size != layer.size()) {
      throw LayerException.sizeMismatch(size, layer.size());
    }
    if (layer.digest() != null) {
      if (!layer.digest().equals(digest)) {
        throw LayerException.digestMismatch(digest);
      }
      return;
    }
    if (layer.diffId() == null) {
      return;
    }
    Digest diffId;
    try (InputStream tar =
        LayerOpener.open(Files.newInputStream(copy), layer.mediaType(), w -> {})) {
      diffId = Digester.sha256().readAll(tar, new byte[256 * 1024]).digest();
    }
    if (!diffId.equals(layer.diffId())) {
      throw LayerException.diffIdMismatch(diffId, layer.diffId());
    }
  }

  /** Adds a layer already written into {@link #blobDir()}, moving it to its digest's name. */
  public void addNewLayer(NewLayer layer) throws IOException {
    Path target = blobDir().resolve(layer.digest().hex());
    if (!layer.blob().equals(target)) {
      Files.move(layer.blob(), target, StandardCopyOption.REPLACE_EXISTING);
    }
    addDescriptor(layer.mediaType(), layer.digest(), layer.size());
  }

  private void addDescriptor(String mediaType, Digest digest, long size) {
    ObjectNode d = JsonNodeFactory.instance.objectNode();
    d.put("mediaType", mediaType);
    d.put("digest", digest.toString());
    d.put("size", size);
    layerDescriptors.add(d);
    layerPaths.add("blobs/sha256/" + digest.hex());
  }

  /**
   * Writes the config and the format's JSON files. Returns the manifest's digest (OCI) or the
   * config's (docker-archive), which names the image.
   *
   * @param tag {@code REPO:TAG} or null
   */
  public Digest finish(ObjectNode config, ImageFormat format, String tag) throws IOException {
    byte[] configBytes = Json.MAPPER.writeValueAsBytes(config);
    Digest configDigest = writeBlob(configBytes);
    if (format == ImageFormat.DOCKER_ARCHIVE) {
      ArrayNode manifest = JsonNodeFactory.instance.arrayNode();
      ObjectNode entry = manifest.addObject();
      entry.put("Config", "blobs/sha256/" + configDigest.hex());
      ArrayNode tags = entry.putArray("RepoTags");
      if (tag != null) {
        tags.add(tag);
      }
      ArrayNode layers = entry.putArray("Layers");
      layerPaths.forEach(layers::add);
      Files.write(staging.resolve("manifest.json"), Json.MAPPER.writeValueAsBytes(manifest));
      if (tag != null) {
        ObjectNode repositories = JsonNodeFactory.instance.objectNode();
        String top = layerPaths.get(layerPaths.size() - 1);
        repositories
            .putObject(repo(tag))
            .put(tagName(tag), top.substring(top.lastIndexOf('/') + 1));
        Files.write(staging.resolve("repositories"), Json.MAPPER.writeValueAsBytes(repositories));
      }
      return configDigest;
    }
    ObjectNode manifest = JsonNodeFactory.instance.objectNode();
    manifest.put("schemaVersion", 2);
    manifest.put("mediaType", OCI_MANIFEST);
    ObjectNode cd = manifest.putObject("config");
    cd.put("mediaType", OCI_CONFIG);
    cd.put("digest", configDigest.toString());
    cd.put("size", configBytes.length);
    ArrayNode layers = manifest.putArray("layers");
    layerDescriptors.forEach(layers::add);
    byte[] manifestBytes = Json.MAPPER.writeValueAsBytes(manifest);
    Digest manifestDigest = writeBlob(manifestBytes);

    ObjectNode index = JsonNodeFactory.instance.objectNode();
    index.put("schemaVersion", 2);
    index.put("mediaType", OCI_INDEX);
    ObjectNode md = index.putArray("manifests").addObject();
    md.put("mediaType", OCI_MANIFEST);
    md.put("digest", manifestDigest.toString());
    md.put("size", manifestBytes.length);
    JsonNode platform = platformOf(config);
    if (platform != null) {
      md.set("platform", platform);
    }
    ObjectNode annotations = md.putObject("annotations");
    annotations.put(DescriptorJson.REF_NAME, tag == null ? "latest" : tagName(tag));
    if (tag != null) {
      annotations.put("io.containerd.image.name", tag);
    }
    Files.write(staging.resolve("index.json"), Json.MAPPER.writeValueAsBytes(index));
    Files.write(staging.resolve("oci-layout"), "{\"imageLayoutVersion\":\"1.0.0\"}".getBytes());
    return manifestDigest;
  }

  /**
   * Puts the staged image in place of {@code output}: commits the staging directory itself (format
   * {@code oci}: it must be {@code output}'s partial directory), or packs it into a tar archive
   * written to {@code output}'s partial file and commits that.
   */
  public void publish(ImageFormat format, PendingOutput output) throws IOException {
    if (Files.exists(output.output())) {
      checkReplaceable(format, output.output());
    }
    if (format == ImageFormat.OCI) {
      if (!staging.equals(output.partial())) {
        throw new IllegalArgumentException(
            "an OCI layout is staged in its output's partial directory");
      }
      readableByAll(staging);
      output.commit();
      return;
    }
    try (OutputStream out =
        new BufferedOutputStream(Files.newOutputStream(output.partial()), 256 * 1024)) {
      PaxTarWriter tar = new PaxTarWriter(out);
      List<String> names = new ArrayList<>();
      for (String top :
          new String[] {"oci-layout", "index.json", "manifest.json", "repositories"}) {
        if (Files.isRegularFile(staging.resolve(top))) {
          names.add(top);
        }
      }
      tar.write(dir("blobs"), null);
      tar.write(dir("blobs/sha256"), null);
      try (Stream<Path> blobs = Files.list(blobDir())) {
        for (Path b : blobs.sorted().toList()) {
          addFile(tar, b, "blobs/sha256/" + b.getFileName());
        }
      }
      for (String name : names) {
        addFile(tar, staging.resolve(name), name);
      }
      tar.finish();
    }
    setMode(output.partial(), "rw-r--r--");
    output.commit();
  }

  /**
   * Fails unless an existing {@code output} may be replaced by an image of {@code format}: a
   * directory only when it holds an OCI layout, and never a directory by an archive.
   */
  public static void checkReplaceable(ImageFormat format, Path output) throws IOException {
    boolean isDirectory = Files.isDirectory(output, java.nio.file.LinkOption.NOFOLLOW_LINKS);
    if (format == ImageFormat.OCI
        && isDirectory
        && !Files.isRegularFile(output.resolve("oci-layout"))) {
      throw new IOException(output + ": exists and is not an OCI image layout; not replacing it");
    }
    if (format == ImageFormat.OCI && !isDirectory) {
      throw new IOException(
          output + ": exists and is not a directory; not replacing it with an OCI image layout");
    }
    if (format != ImageFormat.OCI && isDirectory) {
      throw new IOException(output + ": is a directory; not replacing it with an archive");
    }
  }

  /** Temporary files and directories are private; an image is not. */
  private static void readableByAll(Path top) throws IOException {
    try (Stream<Path> all = Files.walk(top)) {
      for (Path p : all.toList()) {
        setMode(p, Files.isDirectory(p) ? "rwxr-xr-x" : "rw-r--r--");
      }
    }
  }

  private static void setMode(Path p, String mode) throws IOException {
    try {
      Files.setPosixFilePermissions(p, PosixFilePermissions.fromString(mode));
    } catch (UnsupportedOperationException e) {
      // not a POSIX filesystem: leave the default
    }
  }

  private static TarHeader dir(String name) {
    return TarHeader.of(EntryPath.of(name), EntryType.DIRECTORY);
  }

  private static void addFile(PaxTarWriter tar, Path file, String name) throws IOException {
    try (InputStream in = Files.newInputStream(file)) {
      tar.write(TarHeader.of(EntryPath.of(name), EntryType.FILE).asFile(Files.size(file)), in);
    }
  }

  private Digest writeBlob(byte[] bytes) throws IOException {
    Digest d = Digest.sha256(bytes);
    Files.write(blobDir().resolve(d.hex()), bytes);
    return d;
  }

  private static JsonNode platformOf(ObjectNode config) {
    if (!config.path("os").isTextual() || !config.path("architecture").isTextual()) {
      return null;
    }
    ObjectNode p = JsonNodeFactory.instance.objectNode();
    p.put("architecture", config.get("architecture").asText());
    p.put("os", config.get("os").asText());
    if (config.path("variant").isTextual()) {
      p.put("variant", config.get("variant").asText());
    }
    return p;
  }

  /** The OCI media type for a layer: from the image's own, else from the blob's first bytes. */
  static String ociLayerMediaType(String given, byte[] head, int len) throws LayerException {
    if (given != null && given.startsWith(MediaTypes.OCI_LAYER)) {
      return given;
    }
    Optional<Compression> declared = MediaTypes.compressionOf(given);
    Compression c = declared.orElseGet(() -> Compression.sniff(head, len));
    if (MediaTypes.isNonDistributable(given)) {
      return MediaTypes.OCI_LAYER_NONDISTRIBUTABLE_GZIP;
    }
    switch (c) {
      case GZIP:
        return MediaTypes.OCI_LAYER_GZIP;
      case ZSTD:
        return MediaTypes.OCI_LAYER_ZSTD;
      case NONE:
        return MediaTypes.OCI_LAYER;
      default:
        throw new LayerException(
            "a " + c.displayName() + " layer has no OCI media type; it cannot be copied as it is");
    }
  }

  /** {@code REPO} of {@code REPO:TAG} (the colon after the last slash), or all of it. */
  static String repo(String tag) {
    int colon = tag.lastIndexOf(':');
    return colon > tag.lastIndexOf('/') ? tag.substring(0, colon) : tag;
  }

  /** {@code TAG} of {@code REPO:TAG}, or {@code latest}. */
  static String tagName(String tag) {
    int colon = tag.lastIndexOf(':');
    return colon > tag.lastIndexOf('/') ? tag.substring(colon + 1) : "latest";
  }
}
