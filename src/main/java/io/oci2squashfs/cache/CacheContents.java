package io.oci2squashfs.cache;

import com.fasterxml.jackson.databind.JsonNode;
import io.oci2squashfs.cleanup.FileTrees;
import io.oci2squashfs.image.Digest;
import io.oci2squashfs.image.json.Json;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;

/**
 * What a {@link BlobCache} holds, and its trimming: the images {@code index.json} names, and every
 * blob with its size. Pruning keeps what a named image needs, and anything changed in the last hour
 * (a conversion running beside it may be using it); {@code all} empties the cache.
 */
public final class CacheContents {
  /** What is in a cache. */
  public record Summary(
      Path root, List<String> images, int blobs, long blobBytes, int partials, long partialBytes) {}

  /** What a prune removed. */
  public record Pruned(int blobs, long bytes) {}

  private static final Duration IN_USE = Duration.ofHours(1);

  private CacheContents() {}

  /** Counts what {@code cache} holds. */
  public static Summary summarize(BlobCache cache) throws IOException {
    List<String> images = new ArrayList<>();
    for (JsonNode m : indexEntries(cache)) {
      String name = m.path("annotations").path(BlobCache.REF_NAME).asText("");
      images.add(name.isEmpty() ? m.path("digest").asText() : name);
    }
    long[] blobs = count(cache.root().resolve("blobs"));
    long[] partials = count(cache.root().resolve(BlobCache.INGEST));
    return new Summary(
        cache.root(), images, (int) blobs[0], blobs[1], (int) partials[0], partials[1]);
  }

  /**
   * Removes the blobs no named image needs and the downloads left unfinished, except what changed
   * within the last hour; with {@code all}, removes every blob and image name.
   */
  public static Pruned prune(BlobCache cache, boolean all) throws IOException {
    return cache.withIndexLock(
        () -> {
          Set<Path> keep = all ? Set.of() : reachable(cache);
          Instant recent = Instant.now().minus(IN_USE);
          long[] removed = new long[2];
          for (String dir : List.of("blobs", BlobCache.INGEST)) {
            for (Path file : files(cache.root().resolve(dir))) {
              if (keep.contains(file)) {
                continue;
              }
              try {
                if (!all && Files.getLastModifiedTime(file).toInstant().isAfter(recent)) {
                  continue;
                }
                long size = Files.size(file);
                Files.delete(file);
                removed[0]++;
                removed[1] += size;
              } catch (NoSuchFileException e) {
                // removed by another process meanwhile
              }
            }
          }
          if (all) {
            BlobCache.writeAtomically(cache.root(), "index.json", BlobCache.EMPTY_INDEX);
          }
          return new Pruned((int) removed[0], removed[1]);
        });
  }

  // Every blob a named image leads to: indexes, manifests, configs and layers.
  private static Set<Path> reachable(BlobCache cache) throws IOException {
    Set<Path> seen = new HashSet<>();
    Deque<JsonNode> todo = new ArrayDeque<>(indexEntries(cache));
    while (!todo.isEmpty()) {
      JsonNode descriptor = todo.pop();
      Digest digest;
      try {
        digest = Digest.parse(descriptor.path("digest").asText(null));
      } catch (IllegalArgumentException e) {
        continue;
      }
      Path path = cache.blobPath(digest);
      if (!seen.add(path) || !Files.isRegularFile(path) || Files.size(path) > (64 << 20)) {
        continue;
      }
      String type = descriptor.path("mediaType").asText("");
      if (type.contains("manifest") || type.contains("index") || type.isEmpty()) {
        JsonNode node;
        try {
          node = Json.MAPPER.readTree(path.toFile());
        } catch (IOException e) {
          continue; // a layer or a blob that is not JSON leads nowhere
        }
        node.path("manifests").forEach(todo::push);
        node.path("layers").forEach(todo::push);
        if (node.has("config")) {
          todo.push(node.get("config"));
        }
      }
    }
    return seen;
  }

  private static List<JsonNode> indexEntries(BlobCache cache) throws IOException {
    JsonNode index = Json.MAPPER.readTree(cache.root().resolve("index.json").toFile());
    List<JsonNode> entries = new ArrayList<>();
    index.path("manifests").forEach(entries::add);
    return entries;
  }

  private static List<Path> files(Path dir) throws IOException {
    if (!Files.isDirectory(dir)) {
      return List.of();
    }
    try (Stream<Path> walk = Files.walk(dir)) {
      return walk.filter(Files::isRegularFile).toList();
    }
  }

  private static long[] count(Path dir) throws IOException {
    long[] n = new long[2];
    for (Path f : files(dir)) {
      try {
        n[0]++;
        n[1] += Files.size(f);
      } catch (NoSuchFileException e) {
        n[0]--;
      }
    }
    return n;
  }

  /** Deletes the whole cache directory. */
  public static void delete(BlobCache cache) throws IOException {
    FileTrees.delete(cache.root());
  }
}
