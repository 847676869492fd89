package io.oci2squashfs.cache;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.oci2squashfs.cleanup.TemporaryPath;
import io.oci2squashfs.image.Digest;
import io.oci2squashfs.image.Digester;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Instant;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class BlobCacheTest {
  @TempDir Path tmp;

  @Test
  void aNewCacheIsAnEmptyOciLayout() throws Exception {
    BlobCache cache = BlobCache.open(tmp.resolve("c"));
    JsonNode layout = new ObjectMapper().readTree(tmp.resolve("c/oci-layout").toFile());
    assertEquals("1.0.0", layout.path("imageLayoutVersion").asText());
    JsonNode index = new ObjectMapper().readTree(tmp.resolve("c/index.json").toFile());
    assertEquals(2, index.path("schemaVersion").asInt());
    assertEquals(0, index.path("manifests").size());
    assertEquals(tmp.resolve("c"), cache.root());
  }

  @Test
  void aBlobEntersOnlyByCommitAndAPartialIsNeverTakenForIt() throws Exception {
    BlobCache cache = BlobCache.open(tmp.resolve("c"));
    byte[] bytes = "hello".getBytes(StandardCharsets.UTF_8);
    Digest d = Digester.sha256Of(bytes);
    try (TemporaryPath partial = cache.newIngest(d)) {
      Files.write(partial.path(), new byte[] {'h', 'e'});
      assertFalse(cache.has(d, bytes.length));
      assertFalse(cache.has(d, -1));
      Files.write(partial.path(), bytes);
      cache.commit(partial.path(), d);
    }
    assertTrue(cache.has(d, bytes.length));
    assertArrayEquals(bytes, cache.read(d, bytes.length));
    assertEquals(0, Files.list(tmp.resolve("c/ingest")).count());
  }

  @Test
  void aCachedFileOfTheWrongSizeIsNotTheBlobAndIsRemoved() throws Exception {
    BlobCache cache = BlobCache.open(tmp.resolve("c"));
    byte[] bytes = "hello".getBytes(StandardCharsets.UTF_8);
    Digest d = Digester.sha256Of(bytes);
    cache.put(d, bytes);
    assertFalse(cache.has(d, 99));
    assertFalse(Files.exists(cache.blobPath(d)));
    assertNull(cache.read(d, 5));
  }

  @Test
  void tagNamesOneManifestPerNameAndPruneKeepsWhatANameNeeds() throws Exception {
    BlobCache cache = BlobCache.open(tmp.resolve("c"));
    byte[] layer = "layer".getBytes(StandardCharsets.UTF_8);
    byte[] config = "{}".getBytes(StandardCharsets.UTF_8);
    Digest layerDigest = Digester.sha256Of(layer);
    Digest configDigest = Digester.sha256Of(config);
    byte[] manifest =
        ("{\"schemaVersion\":2,\"mediaType\":\"application/vnd.oci.image.manifest.v1+json\","
                + "\"config\":{\"mediaType\":\"application/vnd.oci.image.config.v1+json\","
                + "\"digest\":\""
                + configDigest
                + "\",\"size\":2},\"layers\":[{\"mediaType\":"
                + "\"application/vnd.oci.image.layer.v1.tar\",\"digest\":\""
                + layerDigest
                + "\",\"size\":5}]}")
            .getBytes(StandardCharsets.UTF_8);
    Digest manifestDigest = Digester.sha256Of(manifest);
    byte[] stray = "stray".getBytes(StandardCharsets.UTF_8);
    Digest strayDigest = Digester.sha256Of(stray);
    for (byte[] b : new byte[][] {layer, config, manifest, stray}) {
      cache.put(Digester.sha256Of(b), b);
    }
    String type = "application/vnd.oci.image.manifest.v1+json";
    cache.tag("example.com/app:1", type, manifestDigest, manifest.length);
    cache.tag("example.com/app:1", type, manifestDigest, manifest.length);
    JsonNode index = new ObjectMapper().readTree(tmp.resolve("c/index.json").toFile());
    assertEquals(1, index.path("manifests").size());

    // young files are left alone: another run may be using them
    assertEquals(0, CacheContents.prune(cache, false).blobs());
    Instant old = Instant.now().minusSeconds(7200);
    for (Digest d : new Digest[] {layerDigest, configDigest, manifestDigest, strayDigest}) {
      Files.setLastModifiedTime(cache.blobPath(d), FileTime.from(old));
    }
    CacheContents.Pruned pruned = CacheContents.prune(cache, false);
    assertEquals(1, pruned.blobs());
    assertEquals(stray.length, pruned.bytes());
    assertFalse(Files.exists(cache.blobPath(strayDigest)));
    assertTrue(Files.exists(cache.blobPath(layerDigest)));

    CacheContents.Summary s = CacheContents.summarize(cache);
    assertEquals(3, s.blobs());
    assertEquals(java.util.List.of("example.com/app:1"), s.images());

    assertEquals(3, CacheContents.prune(cache, true).blobs());
    assertEquals(0, CacheContents.summarize(cache).blobs());
    assertEquals(0, CacheContents.summarize(cache).images().size());
  }

  @Test
  void aTemporaryCacheIsDeletedOnClose() throws Exception {
    Path root;
    try (BlobCache cache = BlobCache.temporary()) {
      root = cache.root();
      assertTrue(cache.isTemporary());
      assertTrue(Files.isDirectory(root));
    }
    assertFalse(Files.exists(root));
  }

  @Test
  void theDefaultDirectoryFollowsXdgCacheHome() {
    assertEquals(
        Path.of("/x/cache/oci2squashfs"),
        BlobCache.defaultDirectory(Map.of("XDG_CACHE_HOME", "/x/cache"), Path.of("/home/u")));
    assertEquals(
        Path.of("/home/u/.cache/oci2squashfs"),
        BlobCache.defaultDirectory(Map.of(), Path.of("/home/u")));
  }
}
