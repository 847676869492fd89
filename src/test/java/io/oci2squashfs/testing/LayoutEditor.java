package io.oci2squashfs.testing;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.oci2squashfs.image.Digest;
import io.oci2squashfs.image.json.Json;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.function.Consumer;
import java.util.stream.Stream;

/**
 * Damages an OCI layout written by {@link ImageLayoutBuilder} in one chosen place while keeping
 * every other digest true, so that a test reaches exactly the fault it means: a blob is replaced by
 * other bytes (malformed JSON, a wrong type) and every descriptor naming it, and every blob holding
 * such a descriptor, up to {@code index.json}, is rewritten to match.
 */
public final class LayoutEditor {
  private final Path dir;

  private LayoutEditor(Path dir) {
    this.dir = dir;
  }

  /** Edits the OCI layout in {@code dir}. */
  public static LayoutEditor of(Path dir) {
    return new LayoutEditor(dir);
  }

  /**
   * Replaces blob {@code old} by {@code bytes} (stored under their own digest) and points every
   * descriptor naming it at the new blob.
   *
   * @return the new blob's digest
   */
  public Digest replaceBlob(Digest old, byte[] bytes) throws IOException {
    Digest now = Digest.sha256(bytes);
    Files.write(dir.resolve(now.blobPath()), bytes);
    if (!now.equals(old)) {
      Files.deleteIfExists(dir.resolve(old.blobPath()));
    }
    editDescriptors(old, d -> d.put("digest", now.toString()).put("size", bytes.length));
    return now;
  }

  /**
   * Changes every descriptor naming blob {@code digest} (in {@code index.json} and in the JSON
   * blobs), for instance its size or media type; the blobs holding them are re-hashed.
   */
  public void editDescriptors(Digest digest, Consumer<ObjectNode> edit) throws IOException {
    Path index = dir.resolve("index.json");
    JsonNode indexTree = Json.MAPPER.readTree(Files.readAllBytes(index));
    if (edit(indexTree, digest.toString(), edit)) {
      Files.write(index, Json.MAPPER.writeValueAsBytes(indexTree));
    }
    Path blobs = dir.resolve("blobs/sha256");
    try (Stream<Path> files = Files.list(blobs)) {
      for (Path blob : files.toList()) {
        JsonNode tree = jsonOrNull(Files.readAllBytes(blob));
        if (tree != null && edit(tree, digest.toString(), edit)) {
          replaceBlob(
              Digest.parse("sha256:" + blob.getFileName()), Json.MAPPER.writeValueAsBytes(tree));
        }
      }
    }
  }

  private static boolean edit(JsonNode node, String digest, Consumer<ObjectNode> edit) {
    boolean changed = false;
    if (node.isObject() && digest.equals(node.path("digest").asText(null))) {
      edit.accept((ObjectNode) node);
      changed = true;
    }
    for (JsonNode child : node) {
      changed |= edit(child, digest, edit);
    }
    return changed;
  }

  private static JsonNode jsonOrNull(byte[] bytes) {
    if (bytes.length == 0 || bytes[0] != '{') {
      return null;
    }
    try {
      return Json.MAPPER.readTree(bytes);
    } catch (IOException e) {
      return null;
    }
  }
}
