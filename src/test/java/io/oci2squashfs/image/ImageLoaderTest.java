package io.oci2squashfs.image;

import static io.oci2squashfs.testing.ImageLayoutBuilder.index;
import static io.oci2squashfs.testing.ImageLayoutBuilder.manifest;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.oci2squashfs.image.json.Json;
import io.oci2squashfs.layer.MediaTypes;
import io.oci2squashfs.testing.Compress;
import io.oci2squashfs.testing.ImageLayoutBuilder;
import io.oci2squashfs.testing.ImageLayoutBuilder.Manifest;
import io.oci2squashfs.testing.TinyTar;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ImageLoaderTest {
  private static final Platform AMD64 = Platform.parse("linux/amd64");
  private static final Platform ARM64 = Platform.parse("linux/arm64/v8");

  private static final byte[] BASE = TinyTar.of("etc/os-release", "ID=test\n");
  private static final byte[] TOP = TinyTar.of("usr/bin/app", "#!/bin/sh\n");
  private static final byte[] BASE_GZ = Compress.gzip(BASE);
  private static final byte[] TOP_ZSTD = Compress.zstd(TOP);

  @TempDir Path dir;

  // --- OCI layout: one manifest ---------------------------------------------------------------

  @Test
  void ociLayoutWithOneManifest() throws IOException {
    ImageLayoutBuilder b =
        ImageLayoutBuilder.oci()
            .layer(BASE_GZ, MediaTypes.OCI_LAYER_GZIP)
            .layer(TOP_ZSTD, MediaTypes.OCI_LAYER_ZSTD)
            .env("PATH=/usr/bin")
            .tag("latest");
    b.writeTo(dir);

    Image image = ImageLoader.load(dir, AMD64);

    assertEquals(b.own().digest(), image.manifestDigest());
    assertEquals(b.own().configDigest(), image.configDigest());
    assertEquals(AMD64, image.platform());
    assertEquals(List.of("PATH=/usr/bin"), image.config().container().env());
    assertEquals(2, image.layers().size());
    assertLayer(image.layers().get(0), 0, BASE_GZ, BASE, MediaTypes.OCI_LAYER_GZIP);
    assertLayer(image.layers().get(1), 1, TOP_ZSTD, TOP, MediaTypes.OCI_LAYER_ZSTD);
    assertTrue(image.source().startsWith("OCI image layout " + dir), image.source());
    assertTrue(image.source().contains("(latest)"), image.source());
  }

  @Test
  void theConfigIsKeptByteForByteForAChangedCopy() throws IOException {
    Path layout =
        ImageLayoutBuilder.oci()
            .layer(BASE_GZ, MediaTypes.OCI_LAYER_GZIP)
            .writeTo(dir.resolve("oci"));
    Image oci = ImageLoader.load(layout, AMD64);
    assertEquals(oci.configDigest(), Digest.sha256(oci.configJson().bytes()));

    Path save = dir.resolve("save");
    ImageLayoutBuilder.dockerSaveBlobs().layer(BASE_GZ, MediaTypes.OCI_LAYER_GZIP).writeTo(save);
    Image docker = ImageLoader.load(save, AMD64);
    assertEquals(docker.configDigest(), Digest.sha256(docker.configJson().bytes()));
  }

  @Test
  void aSingleManifestIsTakenWhateverThePlatformAsked() throws IOException {
    ImageLayoutBuilder.oci()
        .layer(BASE_GZ, MediaTypes.OCI_LAYER_GZIP)
        .platform("linux", "s390x")
        .writeTo(dir);

    Image image = ImageLoader.load(dir, AMD64);

    assertEquals(Platform.parse("linux/s390x"), image.platform());
  }

  @Test
  void anEmptyLayerListIsFine() throws IOException {
    ImageLayoutBuilder.oci().add(manifest()).writeTo(dir);

    assertEquals(List.of(), ImageLoader.load(dir, AMD64).layers());
  }

  @Test
  void dockerMediaTypesAndMissingDescriptorMediaTypesAreFollowed() throws IOException {
    Manifest amd =
        manifest()
            .platform("linux", "amd64")
            .layer(BASE_GZ, MediaTypes.DOCKER_LAYER_GZIP)
            .dockerMediaTypes();
    Manifest arm =
        manifest().platform("linux", "arm64", "v8").layer(TOP_ZSTD, null).omitMediaType();
    ImageLayoutBuilder.oci().add(index(amd, arm).dockerMediaTypes().omitMediaType()).writeTo(dir);

    assertEquals(amd.digest(), ImageLoader.load(dir, AMD64).manifestDigest());
    Image image = ImageLoader.load(dir, ARM64);
    assertEquals(arm.digest(), image.manifestDigest());
    assertNull(image.layers().get(0).mediaType());
  }

  // --- platform choice ------------------------------------------------------------------------

  @Test
  void multiPlatformIndexPicksTheHost() throws IOException {
    Platform host = Platform.host();
    Manifest hostManifest = platformManifest(host);
    ImageLayoutBuilder.oci()
        .add(
            index(
                    platformManifest(Platform.parse("linux/s390x/zz")),
                    hostManifest,
                    platformManifest(Platform.parse("linux/mips64le")))
                .withAttestations())
        .writeTo(dir);

    Image image = ImageLoader.load(dir, Platform.host());

    assertEquals(hostManifest.digest(), image.manifestDigest());
    assertTrue(host.matches(image.platform()), image.platform().toString());
  }

  @Test
  void multiPlatformIndexPicksAnExplicitPlatform() throws IOException {
    Manifest amd = platformManifest(AMD64);
    Manifest arm = manifest().platform("linux", "arm64").layer(TOP_ZSTD, MediaTypes.OCI_LAYER_ZSTD);
    ImageLayoutBuilder.oci().add(index(amd, arm).tag("1.0")).writeTo(dir);

    // The host-style request arm64/v8 matches an entry that names no variant.
    Image image = ImageLoader.load(dir, ARM64);

    assertEquals(arm.digest(), image.manifestDigest());
    assertArrayEquals(TOP_ZSTD, read(image.layers().get(0)));
  }

  @Test
  void theExactVariantIsPreferred() throws IOException {
    Manifest v6 = platformManifest(Platform.parse("linux/arm/v6"));
    Manifest v7 = platformManifest(Platform.parse("linux/arm/v7"));
    ImageLayoutBuilder.oci().add(index(v6, v7)).writeTo(dir);

    assertEquals(v7.digest(), load("linux/arm/v7").manifestDigest());
    assertEquals(v6.digest(), load("linux/arm/v6").manifestDigest());
    assertEquals(v7.digest(), load("linux/arm").manifestDigest(), "arm means arm/v7");
  }

  @Test
  void noMatchingPlatformListsTheAvailableOnes() throws IOException {
    ImageLayoutBuilder.oci()
        .add(index(platformManifest(AMD64), platformManifest(ARM64)).withAttestations())
        .writeTo(dir);

    ImageFormatException e =
        assertThrows(
            ImageFormatException.class,
            () -> ImageLoader.load(dir, Platform.parse("linux/riscv64")));

    assertEquals(
        "index.json: no manifest for platform linux/riscv64; available: linux/amd64, "
            + "linux/arm64/v8",
        e.getMessage());
  }

  @Test
  void platformsListedDirectlyInIndexJsonAreOneImage() throws IOException {
    Manifest amd = platformManifest(AMD64).platformInDescriptor(true);
    Manifest arm = platformManifest(ARM64).platformInDescriptor(true);
    ImageLayoutBuilder.oci().add(amd).add(arm).writeTo(dir);

    assertEquals(arm.digest(), ImageLoader.load(dir, ARM64).manifestDigest());
  }

  @Test
  void nestedIndexesAreFollowed() throws IOException {
    Manifest amd = platformManifest(AMD64);
    Manifest arm = platformManifest(ARM64);
    ImageLayoutBuilder.oci()
        .add(index(index(index(amd)), index(arm).omitMediaType()).tag("nested"))
        .writeTo(dir);

    assertEquals(amd.digest(), ImageLoader.load(dir, AMD64).manifestDigest());
    assertEquals(arm.digest(), ImageLoader.load(dir, ARM64).manifestDigest());
  }

  // --- several images -------------------------------------------------------------------------

  @Test
  void severalTagsAreAnErrorListingThem() throws IOException {
    Manifest one = manifest().layer(BASE_GZ, MediaTypes.OCI_LAYER_GZIP).tag("v1");
    Manifest two = manifest().layer(TOP_ZSTD, MediaTypes.OCI_LAYER_ZSTD).tag("v2");
    ImageLayoutBuilder.oci().add(one).add(two).writeTo(dir);

    ImageFormatException e =
        assertThrows(ImageFormatException.class, () -> ImageLoader.load(dir, AMD64));

    assertEquals(
        "index.json: holds 2 images and none was chosen by name: v1 "
            + one.digest()
            + ", v2 "
            + two.digest(),
        e.getMessage());
  }

  @Test
  void aRefNameChoosesAmongTags() throws IOException {
    Manifest one = manifest().layer(BASE_GZ, MediaTypes.OCI_LAYER_GZIP).tag("v1");
    Manifest two = manifest().layer(TOP_ZSTD, MediaTypes.OCI_LAYER_ZSTD).tag("v2");
    ImageLayoutBuilder.oci().add(one).add(two).writeTo(dir);

    assertEquals(two.digest(), ImageLoader.load(dir, AMD64, "v2").manifestDigest());
    ImageFormatException e =
        assertThrows(ImageFormatException.class, () -> ImageLoader.load(dir, AMD64, "v3"));
    assertTrue(
        e.getMessage().startsWith("index.json: no image named \"v3\"; it holds v1 "),
        e.getMessage());
  }

  @Test
  void severalTagsOfOneManifestAreOneImage() throws IOException {
    ImageLayoutBuilder b =
        ImageLayoutBuilder.oci().layer(BASE_GZ, MediaTypes.OCI_LAYER_GZIP).tag("latest").tag("1.0");
    b.writeTo(dir);

    assertEquals(b.own().digest(), ImageLoader.load(dir, AMD64).manifestDigest());
  }

  @Test
  void severalUntaggedManifestsAreAnError() throws IOException {
    Manifest one = manifest().layer(BASE_GZ, MediaTypes.OCI_LAYER_GZIP);
    Manifest two = manifest().layer(TOP_ZSTD, MediaTypes.OCI_LAYER_ZSTD);
    ImageLayoutBuilder.oci().add(one).add(two).writeTo(dir);

    ImageFormatException e =
        assertThrows(ImageFormatException.class, () -> ImageLoader.load(dir, AMD64));

    assertEquals(
        "index.json: holds 2 images and none was chosen by name: (no ref name) "
            + one.digest()
            + ", (no ref name) "
            + two.digest(),
        e.getMessage());
  }

  @Test
  void attestationManifestsAreSkipped() throws IOException {
    Manifest image = manifest().layer(BASE_GZ, MediaTypes.OCI_LAYER_GZIP);
    // At the top of index.json, without a platform: only the annotation tells.
    ImageLayoutBuilder.oci().add(manifest().asAttestation()).add(image).writeTo(dir);

    assertEquals(image.digest(), ImageLoader.load(dir, AMD64).manifestDigest());
  }

  @Test
  void attestationsInAnIndexAreSkipped() throws IOException {
    Manifest amd = platformManifest(AMD64);
    ImageLayoutBuilder.oci().add(index(amd).withAttestations()).writeTo(dir);

    Image image = ImageLoader.load(dir, AMD64);

    assertEquals(amd.digest(), image.manifestDigest());
    // Without the skip, a request for unknown/unknown would find the attestation.
    assertThrows(
        ImageFormatException.class, () -> ImageLoader.load(dir, Platform.parse("unknown/unknown")));
  }

  // --- docker save ----------------------------------------------------------------------------

  @Test
  void dockerSaveWithIdSlashLayerTar() throws IOException {
    ImageLayoutBuilder b =
        ImageLayoutBuilder.dockerSave()
            .layer(BASE, null)
            .layer(TOP, null)
            .platform("linux", "arm64", "v8")
            .tag("app:1");
    b.writeTo(dir);

    Image image = ImageLoader.load(dir, AMD64);

    assertNull(image.manifestDigest());
    assertEquals(b.own().configDigest(), image.configDigest());
    assertEquals(ARM64, image.platform());
    assertTrue(image.source().startsWith("docker save directory " + dir + " (app:1)"));
    for (int i = 0; i < 2; i++) {
      Layer layer = image.layers().get(i);
      byte[] tar = i == 0 ? BASE : TOP;
      assertEquals(i, layer.index());
      assertNull(layer.digest(), "no digest in <id>/layer.tar form");
      assertEquals(Digest.sha256(tar), layer.diffId());
      assertEquals(layer.diffId().toString(), layer.label());
      assertNull(layer.mediaType());
      assertTrue(layer.location().matches("[0-9a-f]{64}/layer\\.tar"), layer.location());
      assertEquals(tar.length, layer.size());
      assertArrayEquals(tar, read(layer));
    }
  }

  @Test
  void dockerSaveWithBlobsAndLayerSources() throws IOException {
    ImageLayoutBuilder.dockerSaveBlobs()
        .layer(BASE, MediaTypes.OCI_LAYER)
        .layer(TOP_ZSTD, MediaTypes.OCI_LAYER_ZSTD)
        .writeTo(dir);

    Image image = ImageLoader.load(dir, AMD64);

    assertLayer(image.layers().get(0), 0, BASE, BASE, MediaTypes.OCI_LAYER);
    // LayerSources is keyed by diff id, which differs from the digest of a compressed blob.
    assertLayer(image.layers().get(1), 1, TOP_ZSTD, TOP, MediaTypes.OCI_LAYER_ZSTD);
    assertEquals(
        "blobs/" + Digest.sha256(TOP_ZSTD).algorithm() + "/" + Digest.sha256(TOP_ZSTD).hex(),
        image.layers().get(1).location());
  }

  @Test
  void dockerSaveWithoutLayerSourcesLeavesTheMediaTypeOpen() throws IOException {
    ImageLayoutBuilder.dockerSaveBlobs()
        .layerSources(false)
        .layer(BASE_GZ, MediaTypes.OCI_LAYER_GZIP)
        .writeTo(dir);

    Layer layer = ImageLoader.load(dir, AMD64).layers().get(0);

    assertEquals(Digest.sha256(BASE_GZ), layer.digest());
    assertNull(layer.mediaType());
  }

  @Test
  void dockerSaveWithSeveralImagesListsTheirTags() throws IOException {
    ImageLayoutBuilder.dockerSave()
        .layer(BASE, null)
        .tag("a:1")
        .tag("a:latest")
        .add(manifest().layer(TOP, null).tag("b:2"))
        .writeTo(dir);

    ImageFormatException e =
        assertThrows(ImageFormatException.class, () -> ImageLoader.load(dir, AMD64));

    assertEquals(
        "manifest.json: holds 2 images and none was chosen by name: a:1 a:latest, b:2",
        e.getMessage());
    Image b = ImageLoader.load(dir, AMD64, "b:2");
    assertEquals(Digest.sha256(TOP), b.layers().get(0).diffId());
  }

  @Test
  void dockerSaveLayerPathsMustStayInside() throws IOException {
    Files.writeString(dir.resolveSibling("secret.tar"), "not yours");
    for (String path : List.of("../secret.tar", "/etc/passwd", "x/../../secret.tar")) {
      Path d = Files.createDirectories(dir.resolve("case" + path.hashCode()));
      ImageLayoutBuilder.dockerSave().layer(BASE, null).writeTo(d);
      rewriteDockerLayers(d, path);

      ImageFormatException e =
          assertThrows(ImageFormatException.class, () -> ImageLoader.load(d, AMD64), path);

      assertTrue(e.getMessage().startsWith("manifest.json: Layers[0]: "), e.getMessage());
      assertTrue(e.getMessage().contains("\"" + path + "\""), e.getMessage());
    }
  }

  @Test
  void dockerSaveLayerSymlinksMustStayInside() throws IOException {
    Path outside = Files.writeString(dir.resolve("secret.tar"), "not yours");
    Path image = dir.resolve("image");
    ImageLayoutBuilder.dockerSave().layer(BASE, null).writeTo(image);
    Files.createSymbolicLink(image.resolve("escape.tar"), outside);
    rewriteDockerLayers(image, "escape.tar");

    ImageFormatException e =
        assertThrows(ImageFormatException.class, () -> ImageLoader.load(image, AMD64));

    assertEquals(
        "manifest.json: Layers[0]: path \"escape.tar\" leads outside the image directory"
            + " through a symlink",
        e.getMessage());
  }

  @Test
  void ociBlobSymlinksMustStayInside() throws IOException {
    // Every name is checked now, not only the paths manifest.json gives.
    Path image = dir.resolve("image");
    ImageLayoutBuilder b = ImageLayoutBuilder.oci().layer(BASE_GZ, MediaTypes.OCI_LAYER_GZIP);
    b.writeTo(image);
    Digest layer = Digest.sha256(BASE_GZ);
    Path outside = Files.write(dir.resolve("outside"), BASE_GZ);
    Files.delete(image.resolve(layer.blobPath()));
    Files.createSymbolicLink(image.resolve(layer.blobPath()), outside);

    ImageFormatException e =
        assertThrows(ImageFormatException.class, () -> ImageLoader.load(image, AMD64));

    assertEquals(
        "index.json: manifest "
            + b.own().digest()
            + ": layer 0/1 "
            + layer
            + ": path \""
            + layer.blobPath()
            + "\" leads outside the image directory through a symlink",
        e.getMessage());
  }

  @Test
  void dockerSaveMissingLayerFileIsNamed() throws IOException {
    ImageLayoutBuilder.dockerSave().layer(BASE, null).writeTo(dir);
    rewriteDockerLayers(dir, "0123/layer.tar");

    ImageFormatException e =
        assertThrows(ImageFormatException.class, () -> ImageLoader.load(dir, AMD64));

    assertEquals("manifest.json: Layers[0]: layer file missing (0123/layer.tar)", e.getMessage());
  }

  @Test
  void dockerSaveDiffIdCountMustMatchTheLayers() throws IOException {
    ImageLayoutBuilder b = ImageLayoutBuilder.dockerSave().layer(BASE, null).layer(TOP, null);
    b.writeTo(dir);
    String configName = b.own().configDigest().hex() + ".json";
    ObjectNode config = (ObjectNode) Json.MAPPER.readTree(dir.resolve(configName).toFile());
    ((ArrayNode) config.get("rootfs").get("diff_ids")).remove(1);
    Json.MAPPER.writeValue(dir.resolve(configName).toFile(), config);
    configName = rehomeDockerConfig(configName);

    ImageFormatException e =
        assertThrows(ImageFormatException.class, () -> ImageLoader.load(dir, AMD64));

    assertEquals(
        "manifest.json: config " + configName + ": rootfs.diff_ids has 1 entries for 2" + " layers",
        e.getMessage());
  }

  // --- both, neither --------------------------------------------------------------------------

  @Test
  void indexJsonWinsOverManifestJson() throws IOException {
    ImageLayoutBuilder b =
        ImageLayoutBuilder.ociAndDockerSave()
            .layer(BASE_GZ, MediaTypes.OCI_LAYER_GZIP)
            .tag("latest");
    b.writeTo(dir);
    assertTrue(Files.exists(dir.resolve("manifest.json")));
    Files.writeString(dir.resolve("manifest.json"), "this is not read");

    Image image = ImageLoader.load(dir, AMD64);

    assertEquals(b.own().digest(), image.manifestDigest());
    assertTrue(image.source().startsWith("OCI image layout"), image.source());
  }

  @Test
  void theDockerHalfOfADocker25SaveReadsAlone() throws IOException {
    ImageLayoutBuilder.ociAndDockerSave().layer(BASE_GZ, MediaTypes.OCI_LAYER_GZIP).writeTo(dir);
    Files.delete(dir.resolve("index.json"));

    Image image = ImageLoader.load(dir, AMD64);

    assertLayer(image.layers().get(0), 0, BASE_GZ, BASE, MediaTypes.OCI_LAYER_GZIP);
  }

  @Test
  void aDirectoryWithNeitherIsNotAnImage() throws IOException {
    Files.writeString(dir.resolve("README"), "hello");

    ImageFormatException e =
        assertThrows(ImageFormatException.class, () -> ImageLoader.load(dir, AMD64));

    assertEquals(
        dir
            + " is not an OCI image layout (no index.json) nor a docker save directory"
            + " (no manifest.json)",
        e.getMessage());
  }

  @Test
  void aFileThatIsNotATarIsNotAnImage() throws IOException {
    Path file = Files.writeString(dir.resolve("image.tar"), "x");

    ImageFormatException e =
        assertThrows(ImageFormatException.class, () -> ImageLoader.load(file, AMD64));

    assertEquals(file + " is not a tar archive, or an empty one", e.getMessage());
  }

  // --- damage ---------------------------------------------------------------------------------

  @Test
  void missingLayerBlobIsNamed() throws IOException {
    ImageLayoutBuilder b = ImageLayoutBuilder.oci().layer(BASE_GZ, MediaTypes.OCI_LAYER_GZIP);
    b.writeTo(dir);
    Digest layer = Digest.sha256(BASE_GZ);
    Files.delete(dir.resolve(layer.blobPath()));

    ImageFormatException e =
        assertThrows(ImageFormatException.class, () -> ImageLoader.load(dir, AMD64));

    assertEquals(
        "index.json: manifest "
            + b.own().digest()
            + ": layer 0/1 "
            + layer
            + ": blob missing ("
            + layer.blobPath()
            + ")",
        e.getMessage());
  }

  @Test
  void missingManifestAndConfigBlobsAreNamed() throws IOException {
    ImageLayoutBuilder b = ImageLayoutBuilder.oci().layer(BASE_GZ, MediaTypes.OCI_LAYER_GZIP);
    b.writeTo(dir);
    Digest manifest = b.own().digest();
    Digest config = b.own().configDigest();

    Files.delete(dir.resolve(config.blobPath()));
    ImageFormatException e =
        assertThrows(ImageFormatException.class, () -> ImageLoader.load(dir, AMD64));
    assertEquals(
        "index.json: manifest "
            + manifest
            + ": config "
            + config
            + ": blob missing ("
            + config.blobPath()
            + ")",
        e.getMessage());

    Files.delete(dir.resolve(manifest.blobPath()));
    e = assertThrows(ImageFormatException.class, () -> ImageLoader.load(dir, AMD64));
    assertEquals(
        "index.json: manifest " + manifest + ": blob missing (" + manifest.blobPath() + ")",
        e.getMessage());
  }

  @Test
  void missingBlobDeepInNestedIndexesNamesTheChain() throws IOException {
    Manifest amd = platformManifest(AMD64);
    ImageLayoutBuilder.Index inner = index(amd);
    ImageLayoutBuilder.Index outer = index(inner);
    ImageLayoutBuilder.oci().add(outer).writeTo(dir);
    Files.delete(dir.resolve(amd.configDigest().blobPath()));

    ImageFormatException e =
        assertThrows(ImageFormatException.class, () -> ImageLoader.load(dir, AMD64));

    assertEquals(
        "index.json: index "
            + outer.digest()
            + ": index "
            + inner.digest()
            + ": manifest "
            + amd.digest()
            + ": config "
            + amd.configDigest()
            + ": blob missing ("
            + amd.configDigest().blobPath()
            + ")",
        e.getMessage());
  }

  @Test
  void aBlobOfTheWrongSizeIsAnError() throws IOException {
    ImageLayoutBuilder b = ImageLayoutBuilder.oci().layer(BASE_GZ, MediaTypes.OCI_LAYER_GZIP);
    b.writeTo(dir);
    Digest layer = Digest.sha256(BASE_GZ);
    Files.write(dir.resolve(layer.blobPath()), new byte[] {1, 2, 3});

    ImageFormatException e =
        assertThrows(ImageFormatException.class, () -> ImageLoader.load(dir, AMD64));

    assertEquals(
        "index.json: manifest "
            + b.own().digest()
            + ": layer 0/1 "
            + layer
            + ": "
            + layer.blobPath()
            + " has 3 bytes but its descriptor says "
            + BASE_GZ.length,
        e.getMessage());
  }

  @Test
  void malformedIndexJsonIsNamedWithItsLocation() throws IOException {
    ImageLayoutBuilder.oci().layer(BASE_GZ, MediaTypes.OCI_LAYER_GZIP).writeTo(dir);
    Files.writeString(dir.resolve("index.json"), "{\n  \"manifests\": [ }");

    ImageFormatException e =
        assertThrows(ImageFormatException.class, () -> ImageLoader.load(dir, AMD64));

    assertTrue(
        e.getMessage()
            .startsWith(
                "index.json: malformed JSON at line 2, column 18:"
                    + " Unexpected close marker '}'"),
        e.getMessage());
    assertFalse(e.getMessage().contains("Source:"), e.getMessage());
  }

  @Test
  void wrongTypesInIndexJsonAreNamedByPath() throws IOException {
    ImageLayoutBuilder.oci().layer(BASE_GZ, MediaTypes.OCI_LAYER_GZIP).writeTo(dir);
    ObjectNode index = (ObjectNode) Json.MAPPER.readTree(dir.resolve("index.json").toFile());
    ((ObjectNode) index.get("manifests").get(0)).put("size", "big");
    Json.MAPPER.writeValue(dir.resolve("index.json").toFile(), index);

    ImageFormatException e =
        assertThrows(ImageFormatException.class, () -> ImageLoader.load(dir, AMD64));

    assertTrue(
        e.getMessage()
            .startsWith(
                "index.json: unexpected value at manifests[0].size at" + " line 1, column "),
        e.getMessage());
  }

  @Test
  void wholeDocumentsOfTheWrongShapeOrEmptyAreNamed() throws IOException {
    ImageLayoutBuilder.ociAndDockerSave().layer(BASE_GZ, MediaTypes.OCI_LAYER_GZIP).writeTo(dir);
    Files.writeString(dir.resolve("index.json"), "[]");
    assertEquals(
        "index.json: holds a JSON array, not an object",
        assertThrows(ImageFormatException.class, () -> ImageLoader.load(dir, AMD64)).getMessage());

    Files.writeString(dir.resolve("index.json"), " \n");
    assertEquals(
        "index.json: is empty",
        assertThrows(ImageFormatException.class, () -> ImageLoader.load(dir, AMD64)).getMessage());

    Files.delete(dir.resolve("index.json"));
    Files.writeString(dir.resolve("manifest.json"), "{}");
    assertEquals(
        "manifest.json: holds a JSON object, not an array",
        assertThrows(ImageFormatException.class, () -> ImageLoader.load(dir, AMD64)).getMessage());
  }

  @Test
  void malformedConfigIsNamed() throws IOException {
    ImageLayoutBuilder b = ImageLayoutBuilder.dockerSave().layer(BASE, null);
    b.writeTo(dir);
    String configName = b.own().configDigest().hex() + ".json";
    Files.writeString(dir.resolve(configName), "[1, 2");
    String renamed = rehomeDockerConfig(configName);

    ImageFormatException e =
        assertThrows(ImageFormatException.class, () -> ImageLoader.load(dir, AMD64));

    assertTrue(
        e.getMessage()
            .startsWith("manifest.json: config " + renamed + ": malformed JSON at line 1, column "),
        e.getMessage());
  }

  @Test
  void aManifestBlobThatIsNotAnObjectIsNamed() throws IOException {
    ImageLayoutBuilder b = ImageLayoutBuilder.oci().layer(BASE_GZ, MediaTypes.OCI_LAYER_GZIP);
    b.writeTo(dir);
    Digest manifest = b.own().digest();
    long size = Files.size(dir.resolve(manifest.blobPath()));
    // Same size, so that the size check passes and the parser has to notice.
    Files.writeString(dir.resolve(manifest.blobPath()), "\"" + "x".repeat((int) size - 2) + "\"");
    manifest = rehomeOciManifest(manifest);

    ImageFormatException e =
        assertThrows(ImageFormatException.class, () -> ImageLoader.load(dir, AMD64));

    assertEquals(
        "index.json: manifest "
            + manifest
            + ": "
            + manifest.blobPath()
            + " holds a JSON string, not an object",
        e.getMessage());
  }

  @Test
  void aDigestThatWouldLeaveTheBlobDirectoryIsRejected() throws IOException {
    ImageLayoutBuilder.oci().layer(BASE_GZ, MediaTypes.OCI_LAYER_GZIP).writeTo(dir);
    ObjectNode index = (ObjectNode) Json.MAPPER.readTree(dir.resolve("index.json").toFile());
    ((ObjectNode) index.get("manifests").get(0)).put("digest", "sha256:../../etc");
    Json.MAPPER.writeValue(dir.resolve("index.json").toFile(), index);

    ImageFormatException e =
        assertThrows(ImageFormatException.class, () -> ImageLoader.load(dir, AMD64));

    assertTrue(
        e.getMessage()
            .startsWith(
                "index.json: manifests[0]: invalid digest \"sha256:../../etc\" (expected sha256:"
                    + " followed by 64 lower-case hex digits)"),
        e.getMessage());
  }

  @Test
  void anUnsupportedLayoutVersionIsRejected() throws IOException {
    ImageLayoutBuilder.oci().layer(BASE_GZ, MediaTypes.OCI_LAYER_GZIP).writeTo(dir);
    Files.writeString(dir.resolve("oci-layout"), "{\"imageLayoutVersion\": \"2.0.0\"}");

    ImageFormatException e =
        assertThrows(ImageFormatException.class, () -> ImageLoader.load(dir, AMD64));

    assertEquals(
        "oci-layout: unsupported imageLayoutVersion \"2.0.0\" (expected 1.x)", e.getMessage());
  }

  @Test
  void aMissingOciLayoutFileIsTolerated() throws IOException {
    ImageLayoutBuilder.oci().layer(BASE_GZ, MediaTypes.OCI_LAYER_GZIP).writeTo(dir);
    Files.delete(dir.resolve("oci-layout"));

    assertNotNull(ImageLoader.load(dir, AMD64));
  }

  // --- helpers --------------------------------------------------------------------------------

  private Image load(String platform) throws IOException {
    return ImageLoader.load(dir, Platform.parse(platform));
  }

  private static Manifest platformManifest(Platform p) {
    String text = p.toString();
    return manifest()
        .platform(p.os(), p.architecture(), p.variant())
        .layer(Compress.gzip(TinyTar.of("etc/platform", text)), MediaTypes.OCI_LAYER_GZIP);
  }

  private static void assertLayer(Layer layer, int index, byte[] blob, byte[] tar, String mediaType)
      throws IOException {
    assertEquals(index, layer.index());
    assertEquals(Digest.sha256(blob), layer.digest());
    assertEquals(Digest.sha256(tar), layer.diffId());
    assertEquals(mediaType, layer.mediaType());
    assertEquals(blob.length, layer.size());
    assertEquals(Digest.sha256(blob).blobPath(), layer.location());
    assertArrayEquals(blob, read(layer), "the blob is opened raw, still compressed");
  }

  private static byte[] read(Layer layer) throws IOException {
    try (InputStream in = layer.open()) {
      return in.readAllBytes();
    }
  }

  private static void rewriteDockerLayers(Path dir, String... layers) throws IOException {
    ArrayNode manifest = (ArrayNode) Json.MAPPER.readTree(dir.resolve("manifest.json").toFile());
    ArrayNode list = ((ObjectNode) manifest.get(0)).putArray("Layers");
    for (String l : layers) {
      list.add(l);
    }
    ((ObjectNode) manifest.get(0)).remove("LayerSources");
    Files.write(
        dir.resolve("manifest.json"),
        Json.MAPPER.writeValueAsString(manifest).getBytes(StandardCharsets.UTF_8));
  }

  // Blobs are checked against their digests: a test that edits one to reach another error must
  // move it to its new digest and point the image at it, as a consistent image would.

  /**
   * Renames an edited docker-save config to its digest and updates manifest.json; returns the new
   * name.
   */
  private String rehomeDockerConfig(String configName) throws IOException {
    byte[] bytes = Files.readAllBytes(dir.resolve(configName));
    String renamed = Digest.sha256(bytes).hex() + ".json";
    Files.move(dir.resolve(configName), dir.resolve(renamed));
    Path manifestJson = dir.resolve("manifest.json");
    Files.writeString(manifestJson, Files.readString(manifestJson).replace(configName, renamed));
    return renamed;
  }

  /** Moves an edited OCI manifest blob to its digest and updates index.json's descriptor. */
  private Digest rehomeOciManifest(Digest old) throws IOException {
    byte[] bytes = Files.readAllBytes(dir.resolve(old.blobPath()));
    Digest now = Digest.sha256(bytes);
    Files.move(dir.resolve(old.blobPath()), dir.resolve(now.blobPath()));
    ObjectNode index = (ObjectNode) Json.MAPPER.readTree(dir.resolve("index.json").toFile());
    for (com.fasterxml.jackson.databind.JsonNode d : index.get("manifests")) {
      if (d.get("digest").asText().equals(old.toString())) {
        ((ObjectNode) d).put("digest", now.toString()).put("size", bytes.length);
      }
    }
    Json.MAPPER.writeValue(dir.resolve("index.json").toFile(), index);
    return now;
  }

  @Test
  void aManifestOrConfigBlobThatDoesNotMatchItsDigestIsNamed() throws IOException {
    ImageLayoutBuilder b = ImageLayoutBuilder.oci().layer(BASE_GZ, MediaTypes.OCI_LAYER_GZIP);
    b.writeTo(dir);
    Digest config = b.own().configDigest();
    byte[] bytes = Files.readAllBytes(dir.resolve(config.blobPath()));
    bytes[bytes.length - 2] ^= 0x20; // same size, different content
    Files.write(dir.resolve(config.blobPath()), bytes);

    ImageFormatException e =
        assertThrows(ImageFormatException.class, () -> ImageLoader.load(dir, AMD64));

    assertTrue(
        e.getMessage().contains("config " + config)
            && e.getMessage().contains("does not match its digest"),
        e.getMessage());
  }
}
