package io.oci2squashfs.registry;

import io.oci2squashfs.cache.BlobCache;
import io.oci2squashfs.cache.LayoutExport;
import io.oci2squashfs.image.BlobStore;
import io.oci2squashfs.image.Digest;
import io.oci2squashfs.image.Image;
import io.oci2squashfs.image.ImageFormatException;
import io.oci2squashfs.image.Layer;
import io.oci2squashfs.image.ManifestResolver;
import io.oci2squashfs.image.Platform;
import io.oci2squashfs.image.json.DescriptorJson;
import java.io.IOException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * An image read from a registry: its manifest and config fetched (or taken from the cache), its
 * layer blobs downloading in the background, newest first, while the {@link Image}'s openers read
 * them as they arrive. Close it when done: unfinished downloads stop and are deleted. After a
 * successful run, {@link #keep()} names the image in the cache's {@code index.json}.
 */
public final class RegistryImage implements PulledBlobs {
  private final RegistrySession session;
  private final RegistryReference reference;
  private final BlobCache cache;
  private final Image image;
  private final Map<Digest, String> manifestTypes;
  private final Map<Digest, Long> manifestSizes;

  private RegistryImage(
      RegistrySession session,
      Image image,
      Map<Digest, String> manifestTypes,
      Map<Digest, Long> manifestSizes) {
    this.session = session;
    this.reference = session.reference;
    this.cache = session.cache;
    this.image = image;
    this.manifestTypes = manifestTypes;
    this.manifestSizes = manifestSizes;
  }

  /**
   * Fetches the manifest {@code reference} names, chooses {@code wanted} from an index (the exact
   * variant preferred), reads the config, and starts the layers' downloads.
   *
   * @throws RegistryException when the registry refuses or fails, naming it and what was asked
   * @throws ImageFormatException when what it sent is not an image
   */
  public static RegistryImage open(
      RegistryReference reference, Platform wanted, RegistryOptions options, PullListener listener)
      throws IOException {
    return open(reference, wanted, options, listener, true);
  }

  /**
   * As {@link #open}, but only the manifest and config are fetched: the layers are described, not
   * downloaded, and cannot be opened. For {@code info}.
   */
  public static RegistryImage inspect(
      RegistryReference reference, Platform wanted, RegistryOptions options) throws IOException {
    return open(reference, wanted, options, PullListener.NONE, false);
  }

  private static RegistryImage open(
      RegistryReference reference,
      Platform wanted,
      RegistryOptions options,
      PullListener listener,
      boolean download)
      throws IOException {
    RegistrySession session = RegistrySession.open(reference, options, listener);
    try {
      RegistryClient.Manifest top = session.client.manifest(reference.manifestReference());
      Blobs blobs = new Blobs(session.client, session.cache, session.downloads, top);
      DescriptorJson root =
          new DescriptorJson(
              top.mediaType(),
              top.digest().toString(),
              (long) top.bytes().length,
              null,
              null,
              null,
              null);
      Image resolved =
          ManifestResolver.resolve(
              blobs,
              List.of(new ManifestResolver.Root(root, top.digest())),
              wanted,
              reference.toString(),
              reference.toString());
      // start the downloads newest first: the merge reads the newest layer first
      List<Layer> layers = resolved.layers();
      for (int i = layers.size() - 1; download && i >= 0; i--) {
        blobs.started(layers.get(i));
      }
      return new RegistryImage(session, resolved, blobs.types, blobs.sizes);
    } catch (IOException | RuntimeException e) {
      session.close();
      throw e;
    }
  }

  public Image image() {
    return image;
  }

  public RegistryReference reference() {
    return reference;
  }

  /** What was downloaded and what the cache had, so far. */
  @Override
  public PullStats stats() {
    return session.stats();
  }

  /**
   * Downloads every layer blob whole and checks it against its digest and size; after this the
   * cache holds the whole image (for {@code pull}, and for {@code verify}'s umoci).
   *
   * @throws RegistryException when a blob does not match its digest, or cannot be downloaded
   */
  public void fetchLayers() throws IOException {
    java.util.Set<Digest> seen = new java.util.HashSet<>();
    for (int i = image.layers().size() - 1; i >= 0; i--) {
      Layer l = image.layers().get(i);
      if (seen.add(l.digest())) {
        RegistrySession.fetchWhole(l.opener(), l.digest(), l.size(), l.location());
      }
    }
  }

  /** The chosen manifest, as an exported layout's {@code index.json} names it. */
  @Override
  public LayoutExport.Top top(String refName) {
    Digest manifest = image.manifestDigest();
    return new LayoutExport.Top(
        manifestTypes.getOrDefault(manifest, "application/vnd.oci.image.manifest.v1+json"),
        manifest,
        manifestSizes.get(manifest),
        refName);
  }

  /** Every blob of the chosen manifest: itself, its config and its layers. */
  @Override
  public List<Digest> blobs() {
    java.util.LinkedHashSet<Digest> all = new java.util.LinkedHashSet<>();
    all.add(image.manifestDigest());
    all.add(image.configDigest());
    image.layers().forEach(l -> all.add(l.digest()));
    return List.copyOf(all);
  }

  @Override
  public BlobCache cache() {
    return cache;
  }

  /**
   * Names the image in the cache's {@code index.json} (as {@code REGISTRY/REPO:TAG}), when the
   * cache lasts and holds every blob of it.
   */
  public void keep() throws IOException {
    if (cache.isTemporary()) {
      return;
    }
    name();
  }

  /**
   * Names the image in the cache's {@code index.json}, even a temporary one (for umoci, which reads
   * it by that name), when the cache holds every blob of it.
   *
   * @return the name, or null when a blob is missing
   */
  public String name() throws IOException {
    if (image.manifestDigest() == null) {
      return null;
    }
    for (Layer l : image.layers()) {
      if (!cache.has(l.digest(), l.size())) {
        return null;
      }
    }
    Digest manifest = image.manifestDigest();
    cache.tag(
        reference.name(),
        manifestTypes.getOrDefault(manifest, "application/vnd.oci.image.manifest.v1+json"),
        manifest,
        manifestSizes.get(manifest));
    return reference.name();
  }

  /** Stops the downloads; what did not enter the cache is deleted (a temporary cache whole). */
  @Override
  public void close() throws IOException {
    session.close();
  }

  /** Manifests and configs from the cache or the registry; layers through the downloads. */
  private static final class Blobs implements BlobStore {
    private final RegistryClient client;
    private final BlobCache cache;
    private final BlobDownloads downloads;
    private final RegistryClient.Manifest top;
    final Map<Digest, String> types = new HashMap<>();
    final Map<Digest, Long> sizes = new HashMap<>();
    private final List<Layer> pending = new ArrayList<>();

    Blobs(
        RegistryClient client,
        BlobCache cache,
        BlobDownloads downloads,
        RegistryClient.Manifest top)
        throws IOException {
      this.client = client;
      this.cache = cache;
      this.downloads = downloads;
      this.top = top;
      cache.put(top.digest(), top.bytes());
      types.put(top.digest(), top.mediaType());
      sizes.put(top.digest(), (long) top.bytes().length);
    }

    @Override
    public byte[] readManifest(Digest digest, long size, String where) throws IOException {
      byte[] bytes;
      if (digest.equals(top.digest())) {
        bytes = top.bytes();
      } else {
        bytes = cache.readChecked(digest, size);
        if (bytes == null) {
          RegistryClient.Manifest m = client.manifest(digest.toString());
          bytes = m.bytes();
          cache.put(digest, bytes);
        }
      }
      if (size >= 0 && bytes.length != size) {
        throw new ImageFormatException(
            where + ": " + bytes.length + " bytes, but its descriptor says " + size);
      }
      types.put(digest, mediaTypeField(bytes));
      sizes.put(digest, (long) bytes.length);
      return bytes;
    }

    @Override
    public byte[] readConfig(Digest digest, long size, String where) throws IOException {
      byte[] bytes = cache.readChecked(digest, size);
      if (bytes == null) {
        bytes = client.jsonBlob(digest, size);
        cache.put(digest, bytes);
      }
      return bytes;
    }

    @Override
    public Layer layer(
        int index,
        Digest digest,
        Digest diffId,
        String mediaType,
        long size,
        List<String> urls,
        String where)
        throws IOException {
      if (size < 0) {
        throw new ImageFormatException(where + ": the layer's descriptor gives no size");
      }
      Layer layer =
          new Layer(
              index,
              digest,
              diffId,
              mediaType,
              size,
              client.where() + ", blob " + digest,
              new Deferred());
      pending.add(layer);
      return layer;
    }

    /** Registers the layer's blob with the downloads, in the order they should start. */
    void started(Layer layer) throws IOException {
      ((Deferred) layer.opener()).target = downloads.opener(layer.digest(), layer.size());
    }

    private static String mediaTypeField(byte[] bytes) {
      String t = RegistryClient.mediaTypeField(bytes);
      return t == null || t.isEmpty() ? "application/vnd.oci.image.manifest.v1+json" : t;
    }
  }

  /**
   * An opener whose blob is registered with the downloads only once every layer is known, so that
   * they start newest first.
   */
  private static final class Deferred implements Layer.Opener {
    volatile Layer.Opener target;

    @Override
    public java.io.InputStream open() throws IOException {
      return target().open();
    }

    @Override
    public java.io.InputStream openStart() throws IOException {
      return target().openStart();
    }

    @Override
    public String checked(boolean matched) throws IOException {
      return target().checked(matched);
    }

    private Layer.Opener target() {
      if (target == null) {
        throw new IllegalStateException("the image was opened to describe, not to read layers");
      }
      return target;
    }
  }
}
