package io.oci2squashfs.testing;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.oci2squashfs.image.Digest;
import io.oci2squashfs.image.json.Json;
import io.oci2squashfs.layer.Compression;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveOutputStream;

/**
 * Writes image directories and archives for tests, with real sha256 digests: an OCI image layout, a
 * {@code docker save} directory in either layer form, or both at once as Docker 25 does; each also
 * as a plain tar archive ({@link #writeArchiveTo}, {@link #archive}).
 *
 * <p>A single image:
 *
 * <pre>{@code
 * Path dir = ImageLayoutBuilder.oci()
 *     .layer(Compress.gzip(tar), MediaTypes.OCI_LAYER_GZIP)
 *     .platform("linux", "amd64")
 *     .tag("latest")
 *     .writeTo(tempDir);
 * }</pre>
 *
 * <p>Several images or platforms: the shorthand methods ({@link #layer}, {@link #platform}, {@link
 * #tag}, ...) configure the builder's own manifest, which becomes the first entry of {@code
 * index.json} as soon as one of them is called; {@link #add} appends more entries, built with
 * {@link #manifest()} and {@link #index}:
 *
 * <pre>{@code
 * ImageLayoutBuilder.oci()
 *     .add(ImageLayoutBuilder.index(
 *             ImageLayoutBuilder.manifest().platform("linux", "amd64").layer(a, type),
 *             ImageLayoutBuilder.manifest().platform("linux", "arm64", "v8").layer(b, type))
 *         .withAttestations()
 *         .tag("v1"))
 *     .writeTo(dir);
 * }</pre>
 *
 * <p>Layer blobs are written as given: pass them already compressed (see {@link Compress}). The
 * config's {@code rootfs.diff_ids} hold the sha256 of each uncompressed tar, computed by
 * decompressing the blob, or given explicitly for blobs that do not decompress.
 *
 * <p>After {@link #writeTo}, each node knows its {@link Node#digest()} and each manifest its {@link
 * Manifest#configDigest()}, so tests can delete or damage blobs ({@code
 * dir.resolve(digest.blobPath())}).
 *
 * <p>Docker save directories hold single-platform manifests only: {@link Format#DOCKER_SAVE}
 * rejects top-level indexes; {@link Format#OCI_AND_DOCKER_SAVE} lists, for a top-level index, its
 * first manifest in {@code manifest.json}, as Docker lists the host's.
 */
public final class ImageLayoutBuilder {
  /** What to write. */
  public enum Format {
    /** {@code oci-layout}, {@code index.json}, {@code blobs/}. */
    OCI,
    /** {@code manifest.json}, {@code <config hex>.json}, {@code <id>/layer.tar} (Docker < 25). */
    DOCKER_SAVE,
    /** {@code manifest.json} whose paths are {@code blobs/sha256/<hex>}, no {@code index.json}. */
    DOCKER_SAVE_BLOBS,
    /** Both an OCI layout and a {@code manifest.json} over the same blobs (Docker >= 25). */
    OCI_AND_DOCKER_SAVE
  }

  public static final String OCI_INDEX = "application/vnd.oci.image.index.v1+json";
  public static final String OCI_MANIFEST = "application/vnd.oci.image.manifest.v1+json";
  public static final String OCI_CONFIG = "application/vnd.oci.image.config.v1+json";
  public static final String DOCKER_MANIFEST_LIST =
      "application/vnd.docker.distribution.manifest.list.v2+json";
  public static final String DOCKER_MANIFEST =
      "application/vnd.docker.distribution.manifest.v2+json";
  public static final String DOCKER_CONFIG = "application/vnd.docker.container.image.v1+json";
  public static final String REF_NAME = "org.opencontainers.image.ref.name";

  private static final JsonNodeFactory JSON = JsonNodeFactory.instance;

  private final Format format;
  private final List<Node> entries = new ArrayList<>();
  private Manifest own;
  private Boolean layerSources;

  private ImageLayoutBuilder(Format format) {
    this.format = format;
  }

  public static ImageLayoutBuilder oci() {
    return new ImageLayoutBuilder(Format.OCI);
  }

  /** A {@code docker save} directory with {@code <id>/layer.tar} layers. */
  public static ImageLayoutBuilder dockerSave() {
    return new ImageLayoutBuilder(Format.DOCKER_SAVE);
  }

  /** A {@code docker save} directory with {@code blobs/sha256/<hex>} layers and no index.json. */
  public static ImageLayoutBuilder dockerSaveBlobs() {
    return new ImageLayoutBuilder(Format.DOCKER_SAVE_BLOBS);
  }

  /** An OCI layout plus {@code manifest.json}, as Docker 25 and later save. */
  public static ImageLayoutBuilder ociAndDockerSave() {
    return new ImageLayoutBuilder(Format.OCI_AND_DOCKER_SAVE);
  }

  public static ImageLayoutBuilder of(Format format) {
    return new ImageLayoutBuilder(format);
  }

  /** A new single-platform image manifest, to {@link #add} or put in an {@link #index}. */
  public static Manifest manifest() {
    return new Manifest();
  }

  /** A new image index over {@code children} (manifests or further indexes). */
  public static Index index(Node... children) {
    return new Index(Arrays.asList(children));
  }

  /** Adds a layer to the builder's own manifest; see {@link Manifest#layer(byte[], String)}. */
  public ImageLayoutBuilder layer(byte[] blob, String mediaType) {
    own().layer(blob, mediaType);
    return this;
  }

  /** See {@link Manifest#layer(byte[], String, Digest)}. */
  public ImageLayoutBuilder layer(byte[] blob, String mediaType, Digest diffId) {
    own().layer(blob, mediaType, diffId);
    return this;
  }

  /** Sets the own manifest's platform; see {@link Manifest#platform(String, String, String)}. */
  public ImageLayoutBuilder platform(String os, String architecture) {
    own().platform(os, architecture);
    return this;
  }

  public ImageLayoutBuilder platform(String os, String architecture, String variant) {
    own().platform(os, architecture, variant);
    return this;
  }

  /** Tags the own manifest; see {@link Node#tag}. */
  public ImageLayoutBuilder tag(String name) {
    own().tag(name);
    return this;
  }

  public ImageLayoutBuilder env(String... env) {
    own().env(env);
    return this;
  }

  /** The builder's own manifest, created (and added first) on the first call. */
  public Manifest own() {
    if (own == null) {
      own = new Manifest();
      entries.add(0, own);
    }
    return own;
  }

  /** Adds a top-level entry (an image, a tag, a platform, an attestation). */
  public ImageLayoutBuilder add(Node node) {
    entries.add(node);
    return this;
  }

  /**
   * Whether {@code manifest.json} has {@code LayerSources} (keyed by diff id, giving each layer's
   * media type). Default: yes for the {@code blobs/} forms, as Docker 25 writes, no for {@code
   * <id>/layer.tar}.
   */
  public ImageLayoutBuilder layerSources(boolean write) {
    this.layerSources = write;
    return this;
  }

  /**
   * Writes the image into {@code dir} (created if needed) and returns {@code dir}.
   *
   * @throws IllegalStateException when there is nothing to write, or an index is to be written as a
   *     {@link Format#DOCKER_SAVE} or {@link Format#DOCKER_SAVE_BLOBS}
   */
  public Path writeTo(Path dir) throws IOException {
    write(new DirectoryWriter(dir));
    return dir;
  }

  /**
   * Writes the image as a plain tar archive at {@code file}, holding what {@link #writeTo} would
   * put in a directory ({@link Format#OCI} gives an OCI archive as {@code skopeo copy ...
   * oci-archive:} writes, the others a {@code docker save} archive), and returns {@code file}.
   */
  public Path writeArchiveTo(Path file) throws IOException {
    return archive().writeTo(file);
  }

  /**
   * The image as a tar archive not yet written, so that a test can add, replace, link or rename
   * members before {@link Archive#writeTo}.
   */
  public Archive archive() throws IOException {
    Archive archive = new Archive();
    write(archive::file);
    return archive;
  }

  private void write(Writer w) throws IOException {
    if (entries.isEmpty()) {
      throw new IllegalStateException("no image: call layer(...) or add(...) first");
    }
    boolean oci = format == Format.OCI || format == Format.OCI_AND_DOCKER_SAVE;
    if (oci) {
      ArrayNode manifests = JSON.arrayNode();
      for (Node entry : entries) {
        manifests.addAll(entry.write(w, false));
      }
      ObjectNode index = JSON.objectNode();
      index.put("schemaVersion", 2);
      index.put("mediaType", OCI_INDEX);
      index.set("manifests", manifests);
      w.writeFile("oci-layout", json(JSON.objectNode().put("imageLayoutVersion", "1.0.0")));
      w.writeFile("index.json", json(index));
    }
    if (format != Format.OCI) {
      ArrayNode dockerManifest = JSON.arrayNode();
      for (Node entry : entries) {
        Manifest m = entry.firstManifest();
        if (m == null || (entry instanceof Index && format != Format.OCI_AND_DOCKER_SAVE)) {
          throw new IllegalStateException("a docker save directory holds manifests, not indexes");
        }
        boolean legacy = format == Format.DOCKER_SAVE;
        boolean sources = layerSources != null ? layerSources : !legacy;
        dockerManifest.add(m.writeDockerEntry(w, entry.tags, legacy, sources));
      }
      w.writeFile("manifest.json", json(dockerManifest));
    }
  }

  private static byte[] json(Object value) {
    try {
      return Json.MAPPER.writeValueAsBytes(value);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Something an index can point at: a manifest or another index. */
  public abstract static class Node {
    final List<String> tags = new ArrayList<>();
    final Map<String, String> annotations = new LinkedHashMap<>();
    boolean omitMediaType;
    boolean dockerMediaTypes;
    Digest digest;

    /**
     * Names this entry: an {@code org.opencontainers.image.ref.name} annotation on its descriptor
     * in {@code index.json} (the first tag; one descriptor per further tag) and a {@code RepoTags}
     * entry in {@code manifest.json}.
     */
    public Node tag(String name) {
      tags.add(name);
      return this;
    }

    /** Adds an annotation to this node's descriptor (where its parent lists it). */
    public Node annotation(String key, String value) {
      annotations.put(key, value);
      return this;
    }

    /** Leaves {@code mediaType} out of this node's descriptor, so readers must look inside. */
    public Node omitMediaType() {
      omitMediaType = true;
      return this;
    }

    /** Uses Docker's media types (manifest list, v2 schema 2 manifest) instead of OCI's. */
    public Node dockerMediaTypes() {
      dockerMediaTypes = true;
      return this;
    }

    /** The blob digest, known once written. */
    public Digest digest() {
      if (digest == null) {
        throw new IllegalStateException("not written yet");
      }
      return digest;
    }

    abstract String mediaType();

    /** Writes the blobs and returns the descriptor(s) naming this node. */
    abstract ArrayNode write(Writer w, boolean inIndex) throws IOException;

    abstract Manifest firstManifest();

    // One descriptor per tag (or one untagged), as OCI layouts hold several tags.
    ArrayNode descriptors(long size, ObjectNode platform) {
      ArrayNode out = JSON.arrayNode();
      List<String> names = tags.isEmpty() ? Arrays.asList((String) null) : tags;
      for (String tag : names) {
        ObjectNode d = JSON.objectNode();
        if (!omitMediaType) {
          d.put("mediaType", mediaType());
        }
        d.put("digest", digest.toString());
        d.put("size", size);
        if (platform != null) {
          d.set("platform", platform);
        }
        if (!annotations.isEmpty() || tag != null) {
          ObjectNode a = d.putObject("annotations");
          annotations.forEach(a::put);
          if (tag != null) {
            a.put(REF_NAME, tag);
          }
        }
        out.add(d);
      }
      return out;
    }
  }

  /** A single-platform image: config and layers. */
  public static final class Manifest extends Node {
    private final List<LayerBlob> layers = new ArrayList<>();
    private String os = "linux";
    private String architecture = "amd64";
    private String variant;
    private Boolean platformInDescriptor;
    private final List<String> env = new ArrayList<>();
    private List<String> entrypoint;
    private boolean attestation;
    private Digest configDigest;

    Manifest() {}

    /**
     * Adds a layer, base first. The diff id is the sha256 of the blob decompressed by its magic
     * bytes.
     *
     * @param blob the bytes as stored, already compressed as {@code mediaType} says (or not: tests
     *     of mismatches pass other bytes)
     * @param mediaType the descriptor's media type; null to leave it out
     */
    public Manifest layer(byte[] blob, String mediaType) {
      return layer(blob, mediaType, diffIdOf(blob));
    }

    /** Adds a layer with an explicit diff id, for blobs that do not decompress. */
    public Manifest layer(byte[] blob, String mediaType, Digest diffId) {
      layers.add(new LayerBlob(blob.clone(), mediaType, diffId));
      return this;
    }

    public Manifest platform(String os, String architecture) {
      return platform(os, architecture, null);
    }

    /**
     * Sets the platform, written into the config and, where an index lists this manifest, into its
     * descriptor. Default {@code linux/amd64}.
     */
    public Manifest platform(String os, String architecture, String variant) {
      this.os = os;
      this.architecture = architecture;
      this.variant = variant;
      return this;
    }

    /**
     * Whether the descriptor naming this manifest has a {@code platform}. Default: yes inside an
     * {@link Index}, no at the top of {@code index.json} (as skopeo writes).
     */
    public Manifest platformInDescriptor(boolean write) {
      this.platformInDescriptor = write;
      return this;
    }

    public Manifest env(String... values) {
      env.addAll(Arrays.asList(values));
      return this;
    }

    public Manifest entrypoint(String... values) {
      entrypoint = Arrays.asList(values);
      return this;
    }

    /**
     * Makes this a BuildKit attestation manifest: annotated {@code vnd.docker.reference.type:
     * attestation-manifest}, platform {@code unknown/unknown} in an index, and an in-toto layer
     * unless layers were given.
     */
    public Manifest asAttestation() {
      attestation = true;
      annotation("vnd.docker.reference.type", "attestation-manifest");
      os = "unknown";
      architecture = "unknown";
      variant = null;
      return this;
    }

    /** The config blob's digest, known once written. */
    public Digest configDigest() {
      if (configDigest == null) {
        throw new IllegalStateException("not written yet");
      }
      return configDigest;
    }

    @Override
    public Manifest tag(String name) {
      super.tag(name);
      return this;
    }

    @Override
    public Manifest annotation(String key, String value) {
      super.annotation(key, value);
      return this;
    }

    @Override
    public Manifest omitMediaType() {
      super.omitMediaType();
      return this;
    }

    @Override
    public Manifest dockerMediaTypes() {
      super.dockerMediaTypes();
      return this;
    }

    @Override
    String mediaType() {
      return dockerMediaTypes ? DOCKER_MANIFEST : OCI_MANIFEST;
    }

    @Override
    Manifest firstManifest() {
      return attestation ? null : this;
    }

    private List<LayerBlob> effectiveLayers() {
      if (attestation && layers.isEmpty()) {
        byte[] statement =
            "{\"_type\":\"https://in-toto.io/Statement/v0.1\"}".getBytes(StandardCharsets.UTF_8);
        return List.of(
            new LayerBlob(statement, "application/vnd.in-toto+json", Digest.sha256(statement)));
      }
      return layers;
    }

    private byte[] config() {
      ObjectNode c = JSON.objectNode();
      c.put("architecture", architecture);
      c.put("os", os);
      if (variant != null) {
        c.put("variant", variant);
      }
      ObjectNode run = c.putObject("config");
      ArrayNode envNode = run.putArray("Env");
      env.forEach(envNode::add);
      if (entrypoint != null) {
        ArrayNode ep = run.putArray("Entrypoint");
        entrypoint.forEach(ep::add);
      }
      ObjectNode rootfs = c.putObject("rootfs");
      rootfs.put("type", "layers");
      ArrayNode diffIds = rootfs.putArray("diff_ids");
      ArrayNode history = c.putArray("history");
      for (LayerBlob l : effectiveLayers()) {
        diffIds.add(l.diffId.toString());
        history.addObject().put("created_by", "ImageLayoutBuilder");
      }
      return json(c);
    }

    @Override
    ArrayNode write(Writer w, boolean inIndex) throws IOException {
      byte[] config = config();
      configDigest = w.writeBlob(config);
      ObjectNode m = JSON.objectNode();
      m.put("schemaVersion", 2);
      m.put("mediaType", mediaType());
      ObjectNode c = m.putObject("config");
      c.put("mediaType", dockerMediaTypes ? DOCKER_CONFIG : OCI_CONFIG);
      c.put("digest", configDigest.toString());
      c.put("size", config.length);
      ArrayNode ls = m.putArray("layers");
      for (LayerBlob l : effectiveLayers()) {
        Digest d = w.writeBlob(l.blob);
        ObjectNode ld = ls.addObject();
        if (l.mediaType != null) {
          ld.put("mediaType", l.mediaType);
        }
        ld.put("digest", d.toString());
        ld.put("size", l.blob.length);
      }
      byte[] bytes = json(m);
      digest = w.writeBlob(bytes);
      boolean withPlatform = platformInDescriptor != null ? platformInDescriptor : inIndex;
      return descriptors(bytes.length, withPlatform ? platformJson() : null);
    }

    private ObjectNode platformJson() {
      ObjectNode p = JSON.objectNode();
      p.put("architecture", architecture);
      p.put("os", os);
      if (variant != null) {
        p.put("variant", variant);
      }
      return p;
    }

    ObjectNode writeDockerEntry(Writer w, List<String> repoTags, boolean legacy, boolean sources)
        throws IOException {
      ObjectNode e = JSON.objectNode();
      byte[] config = config();
      configDigest = Digest.sha256(config);
      if (legacy) {
        String name = configDigest.hex() + ".json";
        w.writeFile(name, config);
        e.put("Config", name);
      } else {
        w.writeBlob(config);
        e.put("Config", configDigest.blobPath());
      }
      ArrayNode tagsNode = e.putArray("RepoTags");
      repoTags.forEach(tagsNode::add);
      ArrayNode layersNode = e.putArray("Layers");
      ObjectNode sourcesNode = JSON.objectNode();
      String parent = "";
      for (LayerBlob l : effectiveLayers()) {
        Digest blobDigest = Digest.sha256(l.blob);
        if (legacy) {
          String id = Digest.sha256((parent + l.diffId).getBytes(StandardCharsets.UTF_8)).hex();
          w.writeFile(id + "/layer.tar", l.blob);
          w.writeFile(id + "/VERSION", "1.0".getBytes(StandardCharsets.UTF_8));
          ObjectNode v1 = JSON.objectNode().put("id", id);
          if (!parent.isEmpty()) {
            v1.put("parent", parent);
          }
          w.writeFile(id + "/json", json(v1));
          layersNode.add(id + "/layer.tar");
          parent = id;
        } else {
          w.writeBlob(l.blob);
          layersNode.add(blobDigest.blobPath());
        }
        if (sources && l.mediaType != null) {
          ObjectNode s = sourcesNode.putObject(l.diffId.toString());
          s.put("mediaType", l.mediaType);
          s.put("size", l.blob.length);
          s.put("digest", blobDigest.toString());
        }
      }
      if (sources) {
        e.set("LayerSources", sourcesNode);
      }
      return e;
    }

    private static Digest diffIdOf(byte[] blob) {
      Compression c = Compression.sniff(blob, Math.min(blob.length, Compression.SNIFF_LENGTH));
      try (InputStream in = c.decompress(new ByteArrayInputStream(blob))) {
        return Digest.sha256(in.readAllBytes());
      } catch (IOException e) {
        throw new IllegalArgumentException(
            "cannot decompress the layer blob ("
                + c.displayName()
                + ") to compute its diff id;"
                + " pass one with layer(blob, mediaType, diffId)",
            e);
      }
    }
  }

  /** An image index (or Docker manifest list) over manifests and further indexes. */
  public static final class Index extends Node {
    private final List<Node> children;

    Index(List<Node> children) {
      this.children = new ArrayList<>(children);
    }

    /** Adds a child. */
    public Index add(Node child) {
      children.add(child);
      return this;
    }

    /** Adds, after each manifest child, a BuildKit attestation manifest that refers to it. */
    public Index withAttestations() {
      List<Node> with = new ArrayList<>();
      for (Node child : children) {
        with.add(child);
        if (child instanceof Manifest && !((Manifest) child).attestation) {
          with.add(new AttestationOf((Manifest) child));
        }
      }
      children.clear();
      children.addAll(with);
      return this;
    }

    @Override
    public Index tag(String name) {
      super.tag(name);
      return this;
    }

    @Override
    public Index annotation(String key, String value) {
      super.annotation(key, value);
      return this;
    }

    @Override
    public Index omitMediaType() {
      super.omitMediaType();
      return this;
    }

    @Override
    public Index dockerMediaTypes() {
      super.dockerMediaTypes();
      return this;
    }

    @Override
    String mediaType() {
      return dockerMediaTypes ? DOCKER_MANIFEST_LIST : OCI_INDEX;
    }

    @Override
    Manifest firstManifest() {
      for (Node child : children) {
        Manifest m = child.firstManifest();
        if (m != null) {
          return m;
        }
      }
      return null;
    }

    @Override
    ArrayNode write(Writer w, boolean inIndex) throws IOException {
      ObjectNode index = JSON.objectNode();
      index.put("schemaVersion", 2);
      index.put("mediaType", mediaType());
      ArrayNode manifests = index.putArray("manifests");
      for (Node child : children) {
        manifests.addAll(child.write(w, true));
      }
      byte[] bytes = json(index);
      digest = w.writeBlob(bytes);
      return descriptors(bytes.length, null);
    }
  }

  // Written after the manifest it refers to, so that its digest is known.
  private static final class AttestationOf extends Node {
    private final Manifest subject;
    private final Manifest attestation = new Manifest().asAttestation();

    AttestationOf(Manifest subject) {
      this.subject = subject;
    }

    @Override
    String mediaType() {
      return OCI_MANIFEST;
    }

    @Override
    Manifest firstManifest() {
      return null;
    }

    @Override
    ArrayNode write(Writer w, boolean inIndex) throws IOException {
      attestation.annotation("vnd.docker.reference.digest", subject.digest().toString());
      ArrayNode d = attestation.write(w, inIndex);
      digest = attestation.digest();
      return d;
    }
  }

  private static final class LayerBlob {
    final byte[] blob;
    final String mediaType;
    final Digest diffId;

    LayerBlob(byte[] blob, String mediaType, Digest diffId) {
      this.blob = blob;
      this.mediaType = mediaType;
      this.diffId = diffId;
    }
  }

  private interface Writer {
    void writeFile(String relative, byte[] bytes) throws IOException;

    default Digest writeBlob(byte[] bytes) throws IOException {
      Digest d = Digest.sha256(bytes);
      writeFile(d.blobPath(), bytes);
      return d;
    }
  }

  private static final class DirectoryWriter implements Writer {
    private final Path dir;

    DirectoryWriter(Path dir) {
      this.dir = dir;
    }

    @Override
    public void writeFile(String relative, byte[] bytes) throws IOException {
      Path file = dir.resolve(relative);
      Files.createDirectories(file.getParent());
      Files.write(file, bytes);
    }
  }

  /**
   * A plain tar archive in the making: members in the order first added, each parent directory
   * written before its first child, POSIX (PAX) headers for long names. Replacing a member keeps
   * its place.
   */
  public static final class Archive {
    private final Map<String, ArchiveMember> members = new LinkedHashMap<>();
    private String namePrefix = "";

    Archive() {}

    /** Adds or replaces a regular file. */
    public Archive file(String name, byte[] data) {
      members.put(name, new ArchiveMember(TarArchiveEntry.LF_NORMAL, data.clone(), null));
      return this;
    }

    /** Adds or replaces a symlink to {@code target} (relative to the link's directory). */
    public Archive symlink(String name, String target) {
      members.put(name, new ArchiveMember(TarArchiveEntry.LF_SYMLINK, new byte[0], target));
      return this;
    }

    /** Adds or replaces a hard link to the member {@code target} (a path from the top). */
    public Archive hardlink(String name, String target) {
      members.put(name, new ArchiveMember(TarArchiveEntry.LF_LINK, new byte[0], target));
      return this;
    }

    /** Removes a member. */
    public Archive remove(String name) {
      if (members.remove(name) == null) {
        throw new IllegalArgumentException("no member " + name);
      }
      return this;
    }

    /** The content of the regular file {@code name}. */
    public byte[] content(String name) {
      ArchiveMember m = members.get(name);
      if (m == null || m.type != TarArchiveEntry.LF_NORMAL) {
        throw new IllegalArgumentException("no file " + name);
      }
      return m.data.clone();
    }

    /** The names of all members, in order. */
    public List<String> names() {
      return List.copyOf(members.keySet());
    }

    /** Writes every name with this prefix, e.g. {@code ./} as {@code tar -C dir .} does. */
    public Archive namePrefix(String prefix) {
      this.namePrefix = prefix;
      return this;
    }

    /** Writes the archive to {@code file} and returns {@code file}. */
    public Path writeTo(Path file) throws IOException {
      if (file.getParent() != null) {
        Files.createDirectories(file.getParent());
      }
      try (OutputStream out = Files.newOutputStream(file);
          TarArchiveOutputStream tar = new TarArchiveOutputStream(out)) {
        tar.setLongFileMode(TarArchiveOutputStream.LONGFILE_POSIX);
        tar.setBigNumberMode(TarArchiveOutputStream.BIGNUMBER_POSIX);
        Set<String> dirs = new HashSet<>();
        for (Map.Entry<String, ArchiveMember> e : members.entrySet()) {
          String name = e.getKey();
          for (int slash = name.indexOf('/'); slash > 0; slash = name.indexOf('/', slash + 1)) {
            String dir = name.substring(0, slash + 1);
            if (dirs.add(dir)) {
              TarArchiveEntry d = new TarArchiveEntry(namePrefix + dir, TarArchiveEntry.LF_DIR);
              d.setMode(040755);
              d.setModTime(0);
              tar.putArchiveEntry(d);
              tar.closeArchiveEntry();
            }
          }
          ArchiveMember m = e.getValue();
          TarArchiveEntry entry = new TarArchiveEntry(namePrefix + name, m.type);
          entry.setModTime(0);
          if (m.type == TarArchiveEntry.LF_NORMAL) {
            entry.setMode(0100644);
            entry.setSize(m.data.length);
          } else {
            entry.setLinkName(m.target);
          }
          tar.putArchiveEntry(entry);
          tar.write(m.data);
          tar.closeArchiveEntry();
        }
        tar.finish();
      }
      return file;
    }
  }

  private static final class ArchiveMember {
    final byte type;
    final byte[] data;
    final String target;

    ArchiveMember(byte type, byte[] data, String target) {
      this.type = type;
      this.data = data;
      this.target = target;
    }
  }
}
