package io.oci2squashfs.layer;

import static io.oci2squashfs.testing.LayerBuilder.layer;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.oci2squashfs.image.Digest;
import io.oci2squashfs.image.Image;
import io.oci2squashfs.image.ImageLoader;
import io.oci2squashfs.image.Platform;
import io.oci2squashfs.overlay.RootProbe;
import io.oci2squashfs.testing.ImageLayoutBuilder;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CheckedLayerSourceTest {
  @TempDir Path tmp;

  private final List<String> warnings = new ArrayList<>();

  private CheckedLayerSource layers(ImageLayoutBuilder b) throws Exception {
    Image image = ImageLoader.load(b.writeTo(tmp.resolve("img")), Platform.of("linux", "amd64"));
    return CheckedLayerSource.of(image, warnings::add, CheckedLayerSource.Progress.NONE);
  }

  @Test
  void firstEntryReadsTheStartOfEachLayerWhateverItsCompression() throws Exception {
    CheckedLayerSource layers =
        layers(
            ImageLayoutBuilder.oci()
                .platform("linux", "amd64")
                .layer(layer().dir(".", 0755).file("a", "x").gzip(), MediaTypes.OCI_LAYER_GZIP)
                .layer(layer().file("b/c", "y").zstd(), MediaTypes.OCI_LAYER_ZSTD)
                .layer(layer().tar(), MediaTypes.OCI_LAYER));

    assertTrue(layers.firstEntry(0).path().isRoot());
    assertEquals("b/c", layers.firstEntry(1).path().shortDisplay());
    assertNull(layers.firstEntry(2), "an empty layer has no first entry");
  }

  @Test
  void theRootProbeTakesTheNewestLayerThatStartsWithTheRoot() throws Exception {
    CheckedLayerSource layers =
        layers(
            ImageLayoutBuilder.oci()
                .platform("linux", "amd64")
                .layer(layer().dir(".", 0755).file("a", "x").gzip(), MediaTypes.OCI_LAYER_GZIP)
                .layer(layer().dir(".", 0700).file("b", "y").gzip(), MediaTypes.OCI_LAYER_GZIP)
                .layer(layer().file("c", "z").gzip(), MediaTypes.OCI_LAYER_GZIP));

    RootProbe.Found found = RootProbe.find(layers);

    assertEquals(1, found.layer());
    assertEquals(0700, found.root().mode() & 07777);
  }

  @Test
  void aBadLayerIsNamedAndMediaTypeWarningsAreLeftToTheMerge() throws Exception {
    CheckedLayerSource layers =
        layers(
            ImageLayoutBuilder.oci()
                .platform("linux", "amd64")
                .layer(layer().file("a", "x").zstd(), MediaTypes.OCI_LAYER_GZIP)
                .layer(
                    new byte[] {0x1f, (byte) 0x8b, 8, 0, 1, 2},
                    MediaTypes.OCI_LAYER_GZIP,
                    Digest.sha256(new byte[0])));

    assertEquals("a", layers.firstEntry(0).path().shortDisplay());
    assertEquals(List.of(), warnings, "said once, by the merge");
    LayerException e = assertThrows(LayerException.class, () -> layers.firstEntry(1));
    assertTrue(e.getMessage().startsWith("layer 1/2 sha256:"), e.getMessage());
  }
}
