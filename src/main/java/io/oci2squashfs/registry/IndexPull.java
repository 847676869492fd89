package io.oci2squashfs.registry;

import com.fasterxml.jackson.databind.JsonNode;
import io.oci2squashfs.cache.BlobCache;
import io.oci2squashfs.cache.LayoutExport;
import io.oci2squashfs.image.Digest;
import io.oci2squashfs.image.ImageFormatException;
import io.oci2squashfs.image.Layer;
import io.oci2squashfs.image.json.Json;
import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * Every platform of an image, for {@code pull --all-platforms}: the manifest or index the reference
 * names, kept byte for byte, and every blob it leads to (nested indexes, manifests, configs,
 * layers, attestations too), fetched into the cache and checked against its digest.
 */
public final class IndexPull implements PulledBlobs {
  private static final int MAX_DEPTH = 8;

  private final RegistrySession session;
  private final RegistryClient.Manifest top;
  private final Set<Digest> blobs;

  private IndexPull(RegistrySession session, RegistryClient.Manifest top, Set<Digest> blobs) {
    this.session = session;
    this.top = top;
    this.blobs = blobs;
  }

  /**
   * Fetches the image and every blob it leads to.
   *
   * @throws RegistryException when the registry refuses or fails, naming what was asked
   */
  public static IndexPull fetch(
      RegistryReference reference, RegistryOptions options, PullListener listener)
      throws IOException {
    RegistrySession session = RegistrySession.open(reference, options, listener);
    try {
      RegistryClient.Manifest top = session.client.manifest(reference.manifestReference());
      session.cache.put(top.digest(), top.bytes());
      Set<Digest> blobs = new LinkedHashSet<>();
      blobs.add(top.digest());
      List<PendingLayer> layers = new ArrayList<>();
      walk(session, top.bytes(), reference.toString(), 0, blobs, layers);
      for (PendingLayer l : layers) {
        RegistrySession.fetchWhole(
            l.opener(), l.digest(), l.size(), session.client.where() + ", blob " + l.digest());
      }
      return new IndexPull(session, top, blobs);
    } catch (IOException | RuntimeException e) {
      session.close();
      throw e;
    }
  }

  // Follows an index or manifest down to its blobs; layers are registered to download.
  private static void walk(
      RegistrySession session,
      byte[] bytes,
      String where,
      int depth,
      Set<Digest> blobs,
      List<PendingLayer> layers)
      throws IOException {
    if (depth > MAX_DEPTH) {
      throw new ImageFormatException(where + ": indexes nested deeper than " + MAX_DEPTH);
    }
    JsonNode node;
    try {
      node = Json.MAPPER.readTree(bytes);
    } catch (IOException e) {
      throw new ImageFormatException(where + ": not JSON: " + e.getMessage(), e);
    }
    for (JsonNode m : node.path("manifests")) {
      Digest d = digest(m, where);
      long size = m.path("size").asLong(-1);
      byte[] child = session.cache.readChecked(d, size);
      if (child == null) {
        child = session.client.manifest(d.toString()).bytes();
        session.cache.put(d, child);
      }
      if (blobs.add(d)) {
        walk(session, child, where + ": manifest " + d, depth + 1, blobs, layers);
      }
    }
    JsonNode config = node.get("config");
    if (config != null) {
      Digest d = digest(config, where);
      long size = config.path("size").asLong(-1);
      if (session.cache.readChecked(d, size) == null) {
        session.cache.put(d, session.client.jsonBlob(d, size));
      }
      blobs.add(d);
    }
    for (JsonNode l : node.path("layers")) {
      Digest d = digest(l, where);
      long size = l.path("size").asLong(-1);
      if (blobs.add(d)) {
        layers.add(new PendingLayer(session.downloads.opener(d, size), d, size));
      }
    }
  }

  private static Digest digest(JsonNode descriptor, String where) throws ImageFormatException {
    try {
      return Digest.parse(descriptor.path("digest").asText(null));
    } catch (IllegalArgumentException e) {
      throw new ImageFormatException(where + ": " + e.getMessage(), e);
    }
  }

  /** A layer blob registered with the downloads, to be read whole and checked. */
  private record PendingLayer(Layer.Opener opener, Digest digest, long size) {}

  /** The manifest or index the reference names, as the exported layout's index.json names it. */
  @Override
  public LayoutExport.Top top(String refName) {
    return new LayoutExport.Top(
        top.mediaType() != null ? top.mediaType() : "application/vnd.oci.image.index.v1+json",
        top.digest(),
        top.bytes().length,
        refName);
  }

  /** Every blob of the image, each once. */
  @Override
  public List<Digest> blobs() {
    return List.copyOf(blobs);
  }

  @Override
  public BlobCache cache() {
    return session.cache;
  }

  @Override
  public PullStats stats() {
    return session.stats();
  }

  @Override
  public void close() throws IOException {
    session.close();
  }
}
