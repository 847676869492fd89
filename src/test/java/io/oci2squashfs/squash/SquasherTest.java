package io.oci2squashfs.squash;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.oci2squashfs.convert.ConvertRequest;
import io.oci2squashfs.convert.Converter;
import io.oci2squashfs.image.Image;
import io.oci2squashfs.image.ImageLoader;
import io.oci2squashfs.image.Platform;
import io.oci2squashfs.imagewrite.ImageFormat;
import io.oci2squashfs.layer.CheckedLayerSource;
import io.oci2squashfs.layer.LayerException;
import io.oci2squashfs.layer.MediaTypes;
import io.oci2squashfs.overlay.LayerMerger;
import io.oci2squashfs.overlay.MergeListener;
import io.oci2squashfs.overlay.MergeOptions;
import io.oci2squashfs.overlay.MergeResult;
import io.oci2squashfs.tar.EntryType;
import io.oci2squashfs.tar.TarHeader;
import io.oci2squashfs.testing.ImageLayoutBuilder;
import io.oci2squashfs.testing.LayerBuilder;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Squashes images built in memory and checks that the merged filesystem stays the same. */
class SquasherTest {
  @TempDir Path tmp;

  private static final Platform ANY = new Platform("linux", "amd64", null);

  private Path image(ImageLayoutBuilder.Format format) throws IOException {
    ImageLayoutBuilder b =
        ImageLayoutBuilder.of(format)
            .layer(
                LayerBuilder.layer()
                    .dir("etc")
                    .file("etc/passwd", "root")
                    .dir("usr", 0700)
                    .file("usr/a", "A")
                    .file("usr/b", "B")
                    .dir("opt")
                    .file("opt/x", "X")
                    .dir("var/lib", 0750)
                    .file("var/lib/keep", "K")
                    .gzip(),
                MediaTypes.OCI_LAYER_GZIP)
            .layer(
                LayerBuilder.layer()
                    .whiteout("etc/passwd")
                    .file("usr/c", "C")
                    .hardlink("usr/a2", "usr/a")
                    .gzip(),
                MediaTypes.OCI_LAYER_GZIP)
            .layer(
                LayerBuilder.layer().opaque("opt").file("opt/y", "Y").whiteout("var").tar(),
                MediaTypes.OCI_LAYER)
            .layer(
                LayerBuilder.layer()
                    .file("usr", "now a file")
                    .dir("var/new")
                    .file("var/new/z", "Z")
                    .gzip(),
                MediaTypes.OCI_LAYER_GZIP);
    return b.writeTo(tmp.resolve("in-" + format));
  }

  // squash merged a blob whose bytes no longer matched its digest (same size, other content) and
  // wrote it into the new image, exit 0; convert refused it (issue 15)
  @Test
  void aSquashedOrKeptBlobThatDoesNotMatchItsDigestIsRefusedAsConvertRefusesIt()
      throws IOException {
    for (int damaged = 0; damaged < 4; damaged++) {
      Path src = image(ImageLayoutBuilder.Format.OCI);
      Image image = ImageLoader.load(src, ANY);
      Path blob = src.resolve("blobs/sha256/" + image.layers().get(damaged).digest().hex());
      byte[] bytes = Files.readAllBytes(blob);
      // same size, other content, still readable: gzip's OS byte, or in the plain tar file opt/y's
      // "Y"
      bytes[
              bytes[0] == 0x1f
                  ? 9
                  : new String(bytes, StandardCharsets.ISO_8859_1).lastIndexOf('Y')] ^=
          0x01;
      Files.write(blob, bytes);
      IOException byConvert =
          assertThrows(
              IOException.class,
              () ->
                  new Converter()
                      .convert(ConvertRequest.of(src, tmp.resolve("out.tar")).withPlatform(ANY)));
      Path out = tmp.resolve("out-" + damaged);
      LayerException e =
          assertThrows(
              LayerException.class,
              () ->
                  new Squasher(SquashListener.NONE)
                      .squash(
                          SquashRequest.of(
                                  src.toString(), out, LayerSelection.top(2), ImageFormat.OCI)
                              .withPlatform(ANY)));
      assertTrue(e.getMessage().contains("does not match its digest"), e.getMessage());
      assertEquals(
          byConvert.getMessage(),
          e.getMessage(),
          damaged < 2 ? "a kept layer" : "a squashed layer");
      assertFalse(Files.exists(out));
      assertFalse(leftovers(), "staging files left beside the output");
    }
  }

  @Test
  void aKeptDockerSaveLayerWithoutADigestIsCheckedAgainstItsDiffId() throws IOException {
    Path src = image(ImageLayoutBuilder.Format.DOCKER_SAVE);
    Image image = ImageLoader.load(src, ANY);
    assertEquals(null, image.layers().get(0).digest(), "this docker save gives no digests");
    Path file = src.resolve(image.layers().get(0).location());
    byte[] bytes = Files.readAllBytes(file);
    bytes[bytes.length - 30] ^=
        0x01; // in the gzip trailer's neighbourhood: still gzip, other content
    Files.write(file, bytes);
    Path out = tmp.resolve("out");
    LayerException e =
        assertThrows(
            LayerException.class,
            () ->
                new Squasher(SquashListener.NONE)
                    .squash(
                        SquashRequest.of(
                                src.toString(), out, LayerSelection.top(1), ImageFormat.OCI)
                            .withPlatform(ANY)));
    assertTrue(e.getMessage().startsWith("layer 0/4"), e.getMessage());
    assertFalse(Files.exists(out));
    assertFalse(leftovers(), "staging files left beside the output");
  }

  @Test
  void everySplitAndFormatKeepsTheFilesystem() throws IOException {
    for (ImageLayoutBuilder.Format in :
        List.of(ImageLayoutBuilder.Format.OCI, ImageLayoutBuilder.Format.DOCKER_SAVE)) {
      Path src = image(in);
      Map<String, String> want = tree(ImageLoader.load(src, ANY));
      for (ImageFormat f : ImageFormat.values()) {
        for (int n = 1; n <= 4; n++) {
          Path out = tmp.resolve(in + "-" + f.cliName + "-" + n);
          SquashResult r =
              new Squasher(SquashListener.NONE)
                  .squash(
                      SquashRequest.of(src.toString(), out, LayerSelection.top(n), f)
                          .withPlatform(ANY)
                          .withTag("demo:v1"));
          Image got = ImageLoader.load(out, ANY);
          assertEquals(4 - n + 1, got.layers().size(), out.toString());
          assertEquals(want, tree(got), out.toString());
          assertEquals(n, r.layersSquashed());
          Image orig = ImageLoader.load(src, ANY);
          for (int i = 0; i < 4 - n; i++) {
            if (orig.layers().get(i).digest() != null) {
              assertEquals(
                  orig.layers().get(i).digest(),
                  got.layers().get(i).digest(),
                  "lower layer " + i + " copied");
            }
            assertEquals(orig.layers().get(i).diffId(), got.layers().get(i).diffId());
          }
          assertFalse(leftovers(), "staging files left beside the output");
        }
      }
    }
  }

  @Test
  void anExistingOutputNeedsForce() throws IOException {
    Path src = image(ImageLayoutBuilder.Format.OCI);
    Path out = tmp.resolve("out.tar");
    Files.writeString(out, "old");
    SquashRequest req =
        SquashRequest.of(src.toString(), out, LayerSelection.ALL, ImageFormat.OCI_ARCHIVE)
            .withPlatform(ANY);
    assertThrows(IOException.class, () -> new Squasher(SquashListener.NONE).squash(req));
    assertEquals("old", Files.readString(out));
    new Squasher(SquashListener.NONE).squash(req.withForce(true));
    assertEquals(1, ImageLoader.load(out, ANY).layers().size());
  }

  @Test
  void fromNamesTheLowestSquashedLayer() throws IOException {
    Path src = image(ImageLayoutBuilder.Format.OCI);
    Image orig = ImageLoader.load(src, ANY);
    String digest = orig.layers().get(2).digest().toString().substring(0, 20);
    Path out = tmp.resolve("from");
    new Squasher(SquashListener.NONE)
        .squash(
            SquashRequest.of(src.toString(), out, LayerSelection.from(digest), ImageFormat.OCI)
                .withPlatform(ANY));
    assertEquals(3, ImageLoader.load(out, ANY).layers().size());
    assertThrows(
        IllegalArgumentException.class,
        () -> LayerSelection.from("sha256:ffffffffffff").firstSquashed(orig));
    assertThrows(IllegalArgumentException.class, () -> LayerSelection.top(5).firstSquashed(orig));
  }

  private boolean leftovers() throws IOException {
    try (Stream<Path> s = Files.list(tmp)) {
      return s.anyMatch(p -> p.getFileName().toString().startsWith("."));
    }
  }

  /** The image merged: path to type, mode, owner and content (hard links named by their target). */
  static Map<String, String> tree(Image image) throws IOException {
    Map<String, String> out = new TreeMap<>();
    Map<String, String> contentByPath = new TreeMap<>();
    CheckedLayerSource all =
        CheckedLayerSource.of(image, w -> {}, CheckedLayerSource.Progress.NONE);
    MergeResult r =
        new LayerMerger(MergeOptions.DEFAULT, MergeListener.NONE)
            .merge(
                all,
                (h, content) -> {
                  String c = "";
                  if (h.type() == EntryType.FILE && content != null) {
                    c = new String(content.readNBytes((int) h.size()), StandardCharsets.UTF_8);
                  } else if (h.type() == EntryType.HARDLINK) {
                    c = "=" + contentByPath.get(h.hardLinkTarget().display());
                  }
                  contentByPath.put(h.path().display(), c);
                  out.put(h.path().display(), describe(h) + " " + c);
                });
    out.put("/", describe(r.root()));
    return out;
  }

  private static String describe(TarHeader h) {
    return h.type() + " " + Integer.toOctalString(h.mode()) + " " + h.uid() + ":" + h.gid();
  }
}
