package io.oci2squashfs.cache;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.oci2squashfs.cleanup.TemporaryPath;
import io.oci2squashfs.image.Digest;
import io.oci2squashfs.image.Digester;
import io.oci2squashfs.image.json.Json;
import java.io.Closeable;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.Map;
import java.util.UUID;

/**
 * Blobs kept by digest in a directory that is itself an OCI image layout ({@code oci-layout},
 * {@code index.json}, {@code blobs/<alg>/<hex>}), so that skopeo, umoci and oci2squashfs read it as
 * they read any layout. A blob enters only whole and checked: it is written under {@code ingest/}
 * and moved into {@code blobs/} by one rename once its digest matched, so a download cut short is
 * never taken for a whole blob. Several processes may share one cache: renames are atomic and
 * {@code index.json} is rewritten under a lock.
 */
public final class BlobCache implements Closeable {
  static final String INGEST = "ingest";
  static final String REF_NAME = "org.opencontainers.image.ref.name";
  private static final String LOCK = "index.json.lock";
  static final byte[] EMPTY_INDEX =
      ("{\"schemaVersion\":2,\"mediaType\":\"application/vnd.oci.image.index.v1+json\","
              + "\"manifests\":[]}")
          .getBytes(java.nio.charset.StandardCharsets.UTF_8);

  private final Path root;
  private final TemporaryPath temporary; // non-null for a cache that lives only as long as a run

  private BlobCache(Path root, TemporaryPath temporary) {
    this.root = root;
    this.temporary = temporary;
  }

  /**
   * Opens the cache in {@code dir}, making it an empty OCI image layout when it does not exist.
   *
   * @throws IOException naming the directory when it cannot be made or is not a cache
   */
  public static BlobCache open(Path dir) throws IOException {
    Path root = dir.toAbsolutePath().normalize();
    try {
      Files.createDirectories(root.resolve("blobs"));
      Files.createDirectories(root.resolve(INGEST));
      if (!Files.exists(root.resolve("oci-layout"))) {
        writeAtomically(root, "oci-layout", "{\"imageLayoutVersion\":\"1.0.0\"}".getBytes());
      }
      if (!Files.exists(root.resolve("index.json"))) {
        writeAtomically(root, "index.json", EMPTY_INDEX);
      }
    } catch (IOException e) {
      throw new IOException("cache " + root + ": cannot set it up: " + e.getMessage(), e);
    }
    return new BlobCache(root, null);
  }

  /** A cache in a new private temporary directory, deleted with everything in it by close. */
  public static BlobCache temporary() throws IOException {
    TemporaryPath dir = TemporaryPath.directory(null, "oci2squashfs-blobs-");
    BlobCache opened = open(dir.path());
    return new BlobCache(opened.root, dir);
  }

  /**
   * The cache's directory: {@code $XDG_CACHE_HOME/oci2squashfs}, else {@code
   * ~/.cache/oci2squashfs}.
   */
  public static Path defaultDirectory(Map<String, String> env, Path home) {
    String xdg = env.get("XDG_CACHE_HOME");
    Path base = xdg != null && !xdg.isEmpty() ? Path.of(xdg) : home.resolve(".cache");
    return base.resolve("oci2squashfs");
  }

  public Path root() {
    return root;
  }

  /** True for a cache that lasts one run ({@code --no-cache}). */
  public boolean isTemporary() {
    return temporary != null;
  }

  /** Where the blob {@code digest} is, whether or not it is there. */
  public Path blobPath(Digest digest) {
    return root.resolve(digest.blobPath());
  }

  /**
   * True when the blob is in the cache with {@code size} bytes (any size when -1). A file of
   * another size is not this blob; it is removed.
   */
  public boolean has(Digest digest, long size) throws IOException {
    Path path = blobPath(digest);
    try {
      long actual = Files.size(path);
      if (size < 0 || actual == size) {
        return true;
      }
      Files.deleteIfExists(path);
      return false;
    } catch (NoSuchFileException e) {
      return false;
    }
  }

  /** Reads a small blob whole, or null when it is not in the cache. */
  public byte[] read(Digest digest, long size) throws IOException {
    if (!has(digest, size)) {
      return null;
    }
    try {
      return Files.readAllBytes(blobPath(digest));
    } catch (NoSuchFileException e) {
      return null; // pruned meanwhile
    }
  }

  /**
   * Reads a small blob whole and checks it against its digest, or returns null when it is not in
   * the cache. A copy that does not match is removed, so that it is fetched anew.
   */
  public byte[] readChecked(Digest digest, long size) throws IOException {
    byte[] bytes = read(digest, size);
    if (bytes == null) {
      return null;
    }
    Digester check = Digester.toCheck(digest);
    check.update(bytes, 0, bytes.length);
    if (!check.digest().equals(digest)) {
      remove(digest);
      return null;
    }
    return bytes;
  }

  /**
   * A new file under {@code ingest/} to write the blob {@code digest} into, deleted on close or on
   * a signal unless {@link #commit} took it in first.
   */
  public TemporaryPath newIngest(Digest digest) throws IOException {
    Path path = root.resolve(INGEST).resolve(digest.hex() + "." + UUID.randomUUID() + ".partial");
    TemporaryPath file = TemporaryPath.of(path);
    Files.createFile(path);
    return file;
  }

  /** Moves a whole, checked blob from {@code ingest/} into {@code blobs/}, by one rename. */
  public void commit(Path ingested, Digest digest) throws IOException {
    Path target = blobPath(digest);
    Files.createDirectories(target.getParent());
    try {
      Files.move(
          ingested, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    } catch (AtomicMoveNotSupportedException e) {
      throw new IOException("cache " + root + ": cannot rename within it: " + e.getMessage(), e);
    }
  }

  /** Puts a small blob, already checked against {@code digest}, into the cache. */
  public void put(Digest digest, byte[] bytes) throws IOException {
    if (has(digest, bytes.length)) {
      return;
    }
    try (TemporaryPath file = newIngest(digest)) {
      Files.write(file.path(), bytes);
      commit(file.path(), digest);
    }
  }

  /** Removes a blob found not to match its digest, so that the next run fetches it again. */
  public void remove(Digest digest) throws IOException {
    Files.deleteIfExists(blobPath(digest));
  }

  /**
   * Names a manifest in {@code index.json} by {@code refName} (replacing what that name named
   * before), so that other tools find the image: {@code skopeo copy oci:CACHE:REF ...}. Its blobs
   * must all be in the cache already.
   */
  public void tag(String refName, String mediaType, Digest manifest, long size) throws IOException {
    withIndexLock(
        () -> {
          ObjectNode index = (ObjectNode) Json.MAPPER.readTree(root.resolve("index.json").toFile());
          ArrayNode manifests = index.withArray("manifests");
          ArrayNode kept = Json.MAPPER.createArrayNode();
          for (JsonNode m : manifests) {
            if (!refName.equals(m.path("annotations").path(REF_NAME).asText(null))) {
              kept.add(m);
            }
          }
          ObjectNode entry = kept.addObject();
          entry.put("mediaType", mediaType);
          entry.put("digest", manifest.toString());
          entry.put("size", size);
          entry.putObject("annotations").put(REF_NAME, refName);
          index.set("manifests", kept);
          writeAtomically(root, "index.json", Json.MAPPER.writeValueAsBytes(index));
          return null;
        });
  }

  /** Something done while holding the lock on {@code index.json}. */
  interface Locked<T> {
    T run() throws IOException;
  }

  <T> T withIndexLock(Locked<T> action) throws IOException {
    try (FileChannel lock =
            FileChannel.open(
                root.resolve(LOCK), StandardOpenOption.CREATE, StandardOpenOption.WRITE);
        FileLock held = lock.lock()) {
      return action.run();
    }
  }

  static void writeAtomically(Path dir, String name, byte[] bytes) throws IOException {
    Path partial = dir.resolve("." + name + "." + UUID.randomUUID() + ".partial");
    try {
      Files.write(partial, bytes);
      Files.move(
          partial,
          dir.resolve(name),
          StandardCopyOption.ATOMIC_MOVE,
          StandardCopyOption.REPLACE_EXISTING);
    } finally {
      Files.deleteIfExists(partial);
    }
  }

  /** For a temporary cache, deletes it; a lasting cache stays as it is. */
  @Override
  public void close() throws IOException {
    if (temporary != null) {
      temporary.close();
    }
  }
}
