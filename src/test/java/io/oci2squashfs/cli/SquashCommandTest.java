package io.oci2squashfs.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.oci2squashfs.image.Image;
import io.oci2squashfs.image.ImageLoader;
import io.oci2squashfs.image.Platform;
import io.oci2squashfs.layer.MediaTypes;
import io.oci2squashfs.testing.ImageLayoutBuilder;
import io.oci2squashfs.testing.LayerBuilder;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SquashCommandTest {
  @TempDir Path tmp;

  private Path image() throws Exception {
    return ImageLayoutBuilder.oci()
        .tag("latest")
        .platform("linux", "amd64")
        .layer(LayerBuilder.layer().file("a", "a").gzip(), MediaTypes.OCI_LAYER_GZIP)
        .layer(LayerBuilder.layer().file("b", "b").gzip(), MediaTypes.OCI_LAYER_GZIP)
        .layer(LayerBuilder.layer().whiteout("a").gzip(), MediaTypes.OCI_LAYER_GZIP)
        .writeTo(tmp.resolve("img"));
  }

  @Test
  void squashesAndPrintsSizesBeforeAndAfter() throws Exception {
    Path out = tmp.resolve("out.tar");
    CliRun r =
        CliRun.of(
            "squash",
            image().toString(),
            "--layers",
            "2",
            "--output",
            out.toString(),
            "--platform",
            "linux/amd64",
            "--tag",
            "demo:sq",
            "--message",
            "two in one");
    assertEquals(0, r.code(), r.err());
    assertTrue(r.out().contains("squashed 2 of 3 layers into one"), r.out());
    assertTrue(r.out().contains("image: 3 layers,") && r.out().contains("-> 2 layers"), r.out());
    assertTrue(
        r.out().contains("docker-archive"),
        "an OUT ending in .tar is a docker-archive: " + r.out());
    Image got = ImageLoader.load(out, new Platform("linux", "amd64", null));
    assertEquals(2, got.layers().size());
    assertEquals(
        "two in one", got.config().history().get(got.config().history().size() - 1).createdBy());
  }

  @Test
  void aSelectionIsRequiredAndOneOnly() throws Exception {
    Path img = image();
    CliRun none = CliRun.of("squash", img.toString(), "--output", tmp.resolve("o").toString());
    assertEquals(2, none.code());
    CliRun both =
        CliRun.of(
            "squash",
            img.toString(),
            "--all",
            "--layers",
            "1",
            "--output",
            tmp.resolve("o").toString());
    assertEquals(2, both.code());
    CliRun tooMany =
        CliRun.of(
            "squash",
            img.toString(),
            "--layers",
            "9",
            "--output",
            tmp.resolve("o").toString(),
            "--platform",
            "linux/amd64");
    assertEquals(2, tooMany.code());
    assertTrue(tooMany.err().contains("only 3 layers"), tooMany.err());
    assertFalse(Files.exists(tmp.resolve("o")));
  }

  @Test
  void aMissingImageIsOneLineAndLeavesNothing() throws Exception {
    CliRun r =
        CliRun.of(
            "squash",
            tmp.resolve("missing").toString(),
            "--all",
            "--output",
            tmp.resolve("o").toString());
    assertEquals(1, r.code());
    assertEquals(1, r.err().strip().lines().count(), r.err());
    try (var s = Files.list(tmp)) {
      assertEquals(0, s.count());
    }
  }
}
