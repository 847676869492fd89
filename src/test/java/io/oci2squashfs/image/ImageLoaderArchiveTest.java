package io.oci2squashfs.image;

import static io.oci2squashfs.testing.ImageLayoutBuilder.manifest;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.oci2squashfs.image.json.Json;
import io.oci2squashfs.layer.MediaTypes;
import io.oci2squashfs.testing.Compress;
import io.oci2squashfs.testing.ImageLayoutBuilder;
import io.oci2squashfs.testing.ImageLayoutBuilder.Archive;
import io.oci2squashfs.testing.ImageLayoutBuilder.Format;
import io.oci2squashfs.testing.TinyTar;
import java.io.IOException;
import java.io.InputStream;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** Images read in place from tar archives: docker save archives and OCI archives. */
class ImageLoaderArchiveTest {
  private static final Platform AMD64 = Platform.parse("linux/amd64");

  private static final byte[] BASE = TinyTar.of("etc/os-release", "ID=test\n");
  private static final byte[] TOP = TinyTar.of("usr/bin/app", "#!/bin/sh\n");
  private static final byte[] BASE_GZ = Compress.gzip(BASE);
  private static final byte[] TOP_ZSTD = Compress.zstd(TOP);

  @TempDir Path tmp;

  // --- each form reads as its directory does --------------------------------------------------

  @ParameterizedTest
  @EnumSource(Format.class)
  void anArchiveLoadsAsTheSameDirectory(Format format) throws IOException {
    ImageLayoutBuilder b = builder(format);
    Path dir = b.writeTo(tmp.resolve("dir"));
    Path file = b.writeArchiveTo(tmp.resolve("image.tar"));

    Image fromDir = ImageLoader.load(dir, AMD64);
    Image fromArchive = ImageLoader.load(file, AMD64);

    assertEquals(fromDir.manifestDigest(), fromArchive.manifestDigest());
    assertEquals(fromDir.configDigest(), fromArchive.configDigest());
    assertEquals(fromDir.platform(), fromArchive.platform());
    assertEquals(fromDir.config(), fromArchive.config());
    assertEquals(fromDir.layers().size(), fromArchive.layers().size());
    for (int i = 0; i < fromDir.layers().size(); i++) {
      Layer d = fromDir.layers().get(i);
      Layer a = fromArchive.layers().get(i);
      assertEquals(
          List.of(
              d.index(),
              String.valueOf(d.digest()),
              d.diffId(),
              String.valueOf(d.mediaType()),
              d.size(),
              d.location()),
          List.of(
              a.index(),
              String.valueOf(a.digest()),
              a.diffId(),
              String.valueOf(a.mediaType()),
              a.size(),
              a.location()));
      byte[] expected = read(d);
      for (int round = 0; round < 3; round++) {
        assertArrayEquals(expected, read(a), "layer " + i + ", read " + round);
      }
    }
    String kind =
        format == Format.DOCKER_SAVE || format == Format.DOCKER_SAVE_BLOBS
            ? "docker save archive "
            : "OCI archive ";
    assertTrue(fromArchive.source().startsWith(kind + file.toAbsolutePath()), fromArchive.source());
  }

  @Test
  void namesWrittenWithADotSlashAreFound() throws IOException {
    Path file =
        builder(Format.OCI_AND_DOCKER_SAVE)
            .archive()
            .namePrefix("./")
            .writeTo(tmp.resolve("image.tar"));

    Image image = ImageLoader.load(file, AMD64);

    assertArrayEquals(BASE_GZ, read(image.layers().get(0)));
  }

  @Test
  void indexJsonWinsOverManifestJsonInAnArchiveToo() throws IOException {
    ImageLayoutBuilder b = builder(Format.OCI_AND_DOCKER_SAVE);
    Path file =
        b.archive()
            .file("manifest.json", bytes("this is not read"))
            .writeTo(tmp.resolve("image.tar"));

    assertEquals(b.own().digest(), ImageLoader.load(file, AMD64).manifestDigest());
  }

  // --- links ----------------------------------------------------------------------------------

  @Test
  void layerMembersThatAreSymlinksAreFollowed() throws IOException {
    // skopeo's docker-archive: <id>/layer.tar -> ../<diff id hex>.tar
    Archive archive = ImageLayoutBuilder.dockerSave().layer(BASE, null).layer(TOP, null).archive();
    for (String layer : layerPaths(archive)) {
      String blob = Digest.sha256(archive.content(layer)).hex() + ".tar";
      archive.file(blob, archive.content(layer)).symlink(layer, "../" + blob);
    }
    Path file = archive.writeTo(tmp.resolve("image.tar"));

    Image image = ImageLoader.load(file, AMD64);

    assertArrayEquals(BASE, read(image.layers().get(0)));
    assertArrayEquals(TOP, read(image.layers().get(1)));
    assertEquals(BASE.length, image.layers().get(0).size(), "the target's size");
    assertEquals(layerPaths(archive).get(0), image.layers().get(0).location());
  }

  @Test
  void layerMembersThatAreHardLinksAreFollowed() throws IOException {
    // Older docker save: a layer equal to an earlier one is a hard link to its layer.tar.
    Archive archive =
        ImageLayoutBuilder.dockerSave()
            .layer(BASE, null)
            .layer(TOP, null)
            .layer(BASE, null)
            .archive();
    List<String> layers = layerPaths(archive);
    archive.hardlink(layers.get(2), layers.get(0));
    Path file = archive.writeTo(tmp.resolve("image.tar"));

    Image image = ImageLoader.load(file, AMD64);

    assertArrayEquals(BASE, read(image.layers().get(2)));
    assertEquals(BASE.length, image.layers().get(2).size());
  }

  @Test
  void blobsThatAreLinksAreFollowedInAnOciArchive() throws IOException {
    Archive archive = builder(Format.OCI).archive();
    String blob = Digest.sha256(BASE_GZ).blobPath();
    archive.file("store/base", archive.content(blob)).symlink(blob, "../../store/base");
    String config = configBlob(archive);
    archive.file("store/config", archive.content(config)).hardlink(config, "store/config");
    Path file = archive.writeTo(tmp.resolve("image.tar"));

    Image image = ImageLoader.load(file, AMD64);

    assertArrayEquals(BASE_GZ, read(image.layers().get(0)));
    assertEquals(List.of("PATH=/usr/bin"), image.config().container().env());
  }

  // --- escapes, missing members ---------------------------------------------------------------

  @Test
  void layerPathsInManifestJsonMustStayInside() throws IOException {
    for (String path : List.of("../secret.tar", "/etc/passwd", "x/../../secret.tar")) {
      Archive archive = ImageLayoutBuilder.dockerSave().layer(BASE, null).archive();
      Path file = withLayers(archive, path).writeTo(tmp.resolve("case" + path.hashCode() + ".tar"));

      ImageFormatException e =
          assertThrows(ImageFormatException.class, () -> ImageLoader.load(file, AMD64), path);

      assertTrue(e.getMessage().startsWith(file + ": manifest.json: Layers[0]: "), e.getMessage());
      assertTrue(e.getMessage().contains("\"" + path + "\""), e.getMessage());
    }
  }

  @Test
  void symlinksOutOfTheArchiveAreRejected() throws IOException {
    Archive archive = ImageLayoutBuilder.dockerSave().layer(BASE, null).archive();
    String layer = layerPaths(archive).get(0);
    archive.symlink(layer, "/etc/passwd");
    Path file = archive.writeTo(tmp.resolve("image.tar"));

    ImageFormatException e =
        assertThrows(ImageFormatException.class, () -> ImageLoader.load(file, AMD64));

    assertEquals(
        file
            + ": manifest.json: Layers[0]: path \""
            + layer
            + "\" leads outside the"
            + " archive through the symlink "
            + layer
            + " -> /etc/passwd",
        e.getMessage());

    archive.symlink(layer, "../../secret.tar");
    Path climbing = archive.writeTo(tmp.resolve("climbing.tar"));
    e = assertThrows(ImageFormatException.class, () -> ImageLoader.load(climbing, AMD64));
    assertTrue(
        e.getMessage()
            .startsWith(
                climbing
                    + ": manifest.json: Layers[0]: path \""
                    + layer
                    + "\" leads outside the archive through the symlink"),
        e.getMessage());
  }

  @Test
  void anOciBlobLinkedOutOfTheArchiveIsRejected() throws IOException {
    ImageLayoutBuilder b = builder(Format.OCI);
    Archive archive = b.archive();
    Digest layer = Digest.sha256(BASE_GZ);
    archive.symlink(layer.blobPath(), "/etc/passwd");
    Path file = archive.writeTo(tmp.resolve("image.tar"));

    ImageFormatException e =
        assertThrows(ImageFormatException.class, () -> ImageLoader.load(file, AMD64));

    assertEquals(
        file
            + ": index.json: manifest "
            + b.own().digest()
            + ": layer 0/2 "
            + layer
            + ": path \""
            + layer.blobPath()
            + "\" leads outside the archive through the symlink "
            + layer.blobPath()
            + " -> /etc/passwd",
        e.getMessage());
  }

  @Test
  void missingMembersAreNamedWithTheArchive() throws IOException {
    ImageLayoutBuilder b = builder(Format.OCI);
    Digest layer = Digest.sha256(BASE_GZ);
    Path oci = b.archive().remove(layer.blobPath()).writeTo(tmp.resolve("oci.tar"));

    assertEquals(
        oci
            + ": index.json: manifest "
            + b.own().digest()
            + ": layer 0/2 "
            + layer
            + ": blob missing ("
            + layer.blobPath()
            + ")",
        assertThrows(ImageFormatException.class, () -> ImageLoader.load(oci, AMD64)).getMessage());

    Archive docker = ImageLayoutBuilder.dockerSave().layer(BASE, null).archive();
    Path file = withLayers(docker, "0123/layer.tar").writeTo(tmp.resolve("docker.tar"));
    assertEquals(
        file + ": manifest.json: Layers[0]: layer file missing (0123/layer.tar)",
        assertThrows(ImageFormatException.class, () -> ImageLoader.load(file, AMD64)).getMessage());
  }

  @Test
  void malformedJsonInAnArchiveIsNamed() throws IOException {
    Path file =
        builder(Format.DOCKER_SAVE)
            .archive()
            .file("manifest.json", bytes("[{\"Config\": "))
            .writeTo(tmp.resolve("image.tar"));

    ImageFormatException e =
        assertThrows(ImageFormatException.class, () -> ImageLoader.load(file, AMD64));

    assertTrue(
        e.getMessage().startsWith(file + ": manifest.json: malformed JSON at line 1"),
        e.getMessage());
  }

  // --- not an image archive -------------------------------------------------------------------

  @Test
  void aTarWithoutAnImageSaysWhatIsMissing() throws IOException {
    Path file =
        builder(Format.OCI).archive().remove("index.json").writeTo(tmp.resolve("image.tar"));

    ImageFormatException e =
        assertThrows(ImageFormatException.class, () -> ImageLoader.load(file, AMD64));

    assertEquals(
        file
            + ": not an OCI archive (no index.json) nor a docker save archive"
            + " (no manifest.json)",
        e.getMessage());
  }

  @Test
  void aCompressedArchiveIsRefusedClearly() throws IOException {
    Path plain = builder(Format.OCI).writeArchiveTo(tmp.resolve("image.tar"));
    Path gz = Files.write(tmp.resolve("image.tar.gz"), Compress.gzip(Files.readAllBytes(plain)));

    ImageFormatException e =
        assertThrows(ImageFormatException.class, () -> ImageLoader.load(gz, AMD64));

    assertEquals(
        gz
            + " is gzip-compressed; compressed archives must be decompressed first, as"
            + " only a plain tar is read in place",
        e.getMessage());
  }

  @Test
  void aPathThatIsNotThereIsNamed() {
    Path missing = tmp.resolve("nothing-here");

    assertEquals(
        missing + ": no such file or directory",
        assertThrows(ImageFormatException.class, () -> ImageLoader.load(missing, AMD64))
            .getMessage());
  }

  // --- skopeo-style references ---------------------------------------------------------------

  @Test
  void referencesNameArchivesDirectoriesAndTags() throws IOException {
    ImageLayoutBuilder two =
        ImageLayoutBuilder.oci()
            .add(manifest().layer(BASE_GZ, MediaTypes.OCI_LAYER_GZIP).tag("v1"))
            .add(manifest().layer(TOP_ZSTD, MediaTypes.OCI_LAYER_ZSTD).tag("v2"));
    Path oci = two.writeArchiveTo(tmp.resolve("oci.tar"));
    Path dir = two.writeTo(tmp.resolve("layout"));

    assertEquals(
        Digest.sha256(TOP_ZSTD),
        ImageLoader.load("oci-archive:" + oci + ":v2", AMD64).layers().get(0).digest());
    assertEquals(
        Digest.sha256(BASE_GZ),
        ImageLoader.load("oci:" + dir + ":v1", AMD64).layers().get(0).digest());
    // The CLI passes a Path; a path that is not there but reads as a reference is one.
    assertEquals(
        Digest.sha256(TOP_ZSTD),
        ImageLoader.load(Path.of("oci-archive:" + oci + ":v2"), AMD64).layers().get(0).digest());
    // Without a prefix, the text is a path.
    assertEquals(
        Digest.sha256(TOP_ZSTD),
        ImageLoader.load(Path.of(oci.toString()), AMD64, "v2").layers().get(0).digest());
    assertTrue(
        assertThrows(ImageFormatException.class, () -> ImageLoader.load(oci.toString(), AMD64))
            .getMessage()
            .startsWith(oci + ": index.json: holds 2 images and none was chosen by name"));
  }

  @Test
  void dockerArchiveTagsMatchInFamiliarOrFullForm() throws IOException {
    Path file =
        ImageLayoutBuilder.dockerSave()
            .layer(BASE, null)
            .tag("docker.io/library/demo:latest")
            .add(manifest().layer(TOP, null).tag("other:1"))
            .writeArchiveTo(tmp.resolve("docker.tar"));

    Image image = ImageLoader.load("docker-archive:" + file + ":demo:latest", AMD64);
    assertEquals(Digest.sha256(BASE), image.layers().get(0).diffId());
    assertEquals(
        Digest.sha256(TOP),
        ImageLoader.load("docker-archive:" + file + ":docker.io/library/other:1", AMD64)
            .layers()
            .get(0)
            .diffId());
  }

  @Test
  void aReferenceOfTheWrongKindIsNamed() throws IOException {
    Path dir = builder(Format.OCI_AND_DOCKER_SAVE).writeTo(tmp.resolve("dir"));
    Path file = builder(Format.OCI).writeArchiveTo(tmp.resolve("oci.tar"));

    assertEquals(
        dir + " is not a file; oci-archive: takes a tar archive",
        assertThrows(
                ImageFormatException.class, () -> ImageLoader.load("oci-archive:" + dir, AMD64))
            .getMessage());
    assertEquals(
        file + " is not a directory; oci: takes a directory",
        assertThrows(ImageFormatException.class, () -> ImageLoader.load("oci:" + file, AMD64))
            .getMessage());
    assertEquals(
        file + ": not a docker save archive (no manifest.json)",
        assertThrows(
                ImageFormatException.class, () -> ImageLoader.load("docker-archive:" + file, AMD64))
            .getMessage());
    assertEquals(
        tmp.resolve("gone.tar") + ": no such file; oci-archive: takes a tar archive",
        assertThrows(
                ImageFormatException.class,
                () -> ImageLoader.load("oci-archive:" + tmp.resolve("gone.tar"), AMD64))
            .getMessage());
  }

  @Test
  void dockerArchiveReadsManifestJsonEvenBesideAnIndex() throws IOException {
    Path both = builder(Format.OCI_AND_DOCKER_SAVE).writeArchiveTo(tmp.resolve("both.tar"));

    assertTrue(ImageLoader.load(both, AMD64).source().startsWith("OCI archive "));
    Image image = ImageLoader.load("docker-archive:" + both, AMD64);
    assertTrue(image.source().startsWith("docker save archive "), image.source());
    assertArrayEquals(BASE_GZ, read(image.layers().get(0)));
  }

  // --- the archive after loading --------------------------------------------------------------

  @Test
  void noFileStaysOpen() throws IOException {
    Path file = builder(Format.OCI).writeArchiveTo(tmp.resolve("image.tar"));
    Path broken =
        builder(Format.OCI)
            .archive()
            .remove(Digest.sha256(TOP_ZSTD).blobPath())
            .writeTo(tmp.resolve("broken.tar"));
    Path notTar = Files.writeString(tmp.resolve("junk.tar"), "x".repeat(2000));
    useArchives(file, broken, notTar); // warm up: class loading opens files of its own
    assertEquals(0, openFilesUnder(tmp), "open file descriptors on the archives");

    for (int i = 0; i < 50; i++) {
      useArchives(file, broken, notTar);
    }

    assertEquals(0, openFilesUnder(tmp), "open file descriptors on the archives");
  }

  @Test
  void anArchiveChangedAfterLoadingIsAnErrorNamingIt() throws IOException {
    Path file = builder(Format.OCI).writeArchiveTo(tmp.resolve("image.tar"));
    Image image = ImageLoader.load(file, AMD64);
    try (FileChannel ch = FileChannel.open(file, StandardOpenOption.WRITE)) {
      ch.truncate(2048);
    }

    Layer layer = image.layers().get(1);
    IOException e = assertThrows(IOException.class, layer::open);

    assertEquals(
        file
            + ": "
            + layer.location()
            + ": the archive is shorter than when it was"
            + " indexed; it changed while being read",
        e.getMessage());
  }

  // --- helpers --------------------------------------------------------------------------------

  private static ImageLayoutBuilder builder(Format format) {
    // <id>/layer.tar layers are plain tars, as docker save wrote them
    boolean legacy = format == Format.DOCKER_SAVE;
    return ImageLayoutBuilder.of(format)
        .layer(legacy ? BASE : BASE_GZ, legacy ? null : MediaTypes.OCI_LAYER_GZIP)
        .layer(legacy ? TOP : TOP_ZSTD, legacy ? null : MediaTypes.OCI_LAYER_ZSTD)
        .env("PATH=/usr/bin")
        .tag("latest");
  }

  private static void useArchives(Path file, Path broken, Path notTar) throws IOException {
    Image image = ImageLoader.load(file, AMD64);
    for (Layer layer : image.layers()) {
      read(layer);
      try (InputStream in = layer.open()) {
        in.read(); // closed half read
      }
    }
    assertThrows(ImageFormatException.class, () -> ImageLoader.load(broken, AMD64));
    assertThrows(ImageFormatException.class, () -> ImageLoader.load(notTar, AMD64));
  }

  /**
   * This JVM's descriptors open on files under {@code dir}; other threads' descriptors don't count.
   */
  private static long openFilesUnder(Path dir) throws IOException {
    Path real = dir.toRealPath();
    try (Stream<Path> fds = Files.list(Path.of("/proc/self/fd"))) {
      return fds.filter(
              fd -> {
                try {
                  return Files.readSymbolicLink(fd).startsWith(real);
                } catch (IOException e) {
                  return false; // closed while listing
                }
              })
          .count();
    }
  }

  private static List<String> layerPaths(Archive archive) throws IOException {
    ArrayNode manifest = (ArrayNode) Json.MAPPER.readTree(archive.content("manifest.json"));
    List<String> paths = new java.util.ArrayList<>();
    manifest.get(0).get("Layers").forEach(n -> paths.add(n.asText()));
    return paths;
  }

  private static String configBlob(Archive archive) throws IOException {
    ObjectNode index = (ObjectNode) Json.MAPPER.readTree(archive.content("index.json"));
    Digest manifest = Digest.parse(index.get("manifests").get(0).get("digest").asText());
    ObjectNode m = (ObjectNode) Json.MAPPER.readTree(archive.content(manifest.blobPath()));
    return Digest.parse(m.get("config").get("digest").asText()).blobPath();
  }

  private static Archive withLayers(Archive archive, String... layers) throws IOException {
    ArrayNode manifest = (ArrayNode) Json.MAPPER.readTree(archive.content("manifest.json"));
    ArrayNode list = ((ObjectNode) manifest.get(0)).putArray("Layers");
    for (String l : layers) {
      list.add(l);
    }
    ((ObjectNode) manifest.get(0)).remove("LayerSources");
    return archive.file("manifest.json", Json.MAPPER.writeValueAsBytes(manifest));
  }

  private static byte[] bytes(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }

  private static byte[] read(Layer layer) throws IOException {
    try (InputStream in = layer.open()) {
      return in.readAllBytes();
    }
  }
}
