package io.oci2squashfs.verify;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.oci2squashfs.image.Digest;
import io.oci2squashfs.image.ImageLoader;
import io.oci2squashfs.image.Platform;
import io.oci2squashfs.image.json.Json;
import io.oci2squashfs.testing.ImageLayoutBuilder;
import io.oci2squashfs.testing.LayerBuilder;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ReferenceTest {
  @TempDir Path tmp;

  @Test
  void anExistingDirectoryHasItsTagChosenLater() throws IOException {
    Path layout = Files.createDirectory(tmp.resolve("img:odd"));
    Reference whole = Reference.parseImage(layout.toString());
    assertEquals(layout, whole.image());
    assertNull(whole.tag(), "a directory named as a whole, colon and all");
    assertEquals(layout.toString(), whole.describe());

    Reference tagged = Reference.parseImage(tmp.resolve("img") + ":v1");
    assertEquals(tmp.resolve("img"), tagged.image());
    assertEquals("v1", tagged.tag());
    assertEquals(tmp.resolve("img") + ":v1", tagged.describe());
  }

  @Test
  void anUntaggedLayoutIsCopiedWithOneTagForTheImageConvertReads() throws IOException {
    byte[] blob = LayerBuilder.layer().file("etc/motd", "hi").gzip();
    Path layout =
        ImageLayoutBuilder.oci()
            .layer(blob, "application/vnd.oci.image.layer.v1.tar+gzip")
            .writeTo(tmp.resolve("img"));
    Path copy = UmociUnpack.taggedCopy(layout, tmp.resolve("copy"), Platform.host());

    Digest manifest = ImageLoader.load(layout, Platform.host()).manifestDigest();
    JsonNode index = Json.MAPPER.readTree(copy.resolve("index.json").toFile());
    assertEquals(1, index.get("manifests").size());
    JsonNode d = index.get("manifests").get(0);
    assertEquals(manifest.toString(), d.get("digest").asText());
    assertEquals("application/vnd.oci.image.manifest.v1+json", d.get("mediaType").asText());
    Path manifestBlob =
        layout.resolve("blobs").resolve(manifest.algorithm()).resolve(manifest.hex());
    assertEquals(Files.size(manifestBlob), d.get("size").asLong());
    assertEquals(
        UmociUnpack.COPY_TAG,
        d.get("annotations").get("org.opencontainers.image.ref.name").asText());
    assertEquals(
        layout.toAbsolutePath().resolve("blobs"), Files.readSymbolicLink(copy.resolve("blobs")));
    assertTrue(Files.isRegularFile(copy.resolve("oci-layout")));
  }

  @Test
  void aPlatformChoosesWithinAMultiPlatformLayout() throws IOException {
    String gzip = "application/vnd.oci.image.layer.v1.tar+gzip";
    Path layout =
        ImageLayoutBuilder.oci()
            .add(
                ImageLayoutBuilder.index(
                    ImageLayoutBuilder.manifest()
                        .layer(LayerBuilder.layer().file("arch", "amd64").gzip(), gzip)
                        .platform("linux", "amd64"),
                    ImageLayoutBuilder.manifest()
                        .layer(LayerBuilder.layer().file("arch", "arm64").gzip(), gzip)
                        .platform("linux", "arm64")))
            .writeTo(tmp.resolve("multi"));
    Digest arm = ImageLoader.load(layout, Platform.parse("linux/arm64")).manifestDigest();
    Path copy = UmociUnpack.taggedCopy(layout, tmp.resolve("arm"), Platform.parse("linux/arm64"));
    JsonNode d = Json.MAPPER.readTree(copy.resolve("index.json").toFile()).get("manifests").get(0);
    assertEquals(arm.toString(), d.get("digest").asText());
    assertTrue(
        !arm.equals(ImageLoader.load(layout, Platform.parse("linux/amd64")).manifestDigest()));

    Reference r =
        Reference.parseImage(layout.toString()).withPlatform(Platform.parse("linux/arm64"));
    assertEquals(Platform.parse("linux/arm64"), r.platform());
    assertThrows(
        IllegalArgumentException.class,
        () -> Reference.image(layout, "v1").withPlatform(Platform.parse("linux/arm64")),
        "a tag already chooses");
  }

  @Test
  void severalImagesWithoutATagAreRefusedByName() throws IOException {
    byte[] blob = LayerBuilder.layer().file("a", "a").gzip();
    String gzip = "application/vnd.oci.image.layer.v1.tar+gzip";
    Path layout =
        ImageLayoutBuilder.oci()
            .layer(blob, gzip)
            .tag("one")
            .add(
                ImageLayoutBuilder.manifest()
                    .layer(LayerBuilder.layer().file("b", "b").gzip(), gzip)
                    .tag("two"))
            .writeTo(tmp.resolve("two"));
    IOException e =
        assertThrows(
            IOException.class,
            () -> UmociUnpack.taggedCopy(layout, tmp.resolve("c"), Platform.host()));
    assertTrue(e.getMessage().contains("one") && e.getMessage().contains("two"), e.getMessage());
  }
}
