package io.oci2squashfs.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.oci2squashfs.image.Image;
import io.oci2squashfs.image.Layer;
import io.oci2squashfs.image.Platform;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The progress model's phases and numbers, driven with a made-up clock. */
class ConvertProgressTest {
  static final long MIB = 1L << 20;
  static final long SECOND = 1_000_000_000L;

  static Image image(long... sizes) {
    List<Layer> layers = new ArrayList<>();
    for (int i = 0; i < sizes.length; i++) {
      layers.add(new Layer(i, null, null, null, sizes[i], "layer" + i, () -> null));
    }
    return new Image("test image", Platform.of("linux", "amd64"), null, null, layers, null);
  }

  @Test
  void readingShowsLayersBytesRateAndEta() {
    ConvertProgress p = new ConvertProgress();
    p.loading("img", "mksquashfs", 0);
    assertTrue(p.line(3 * SECOND).startsWith("loading image img 0:03"), p.line(3 * SECOND));
    p.imageLoaded(image(340 * MIB, 60 * MIB));
    assertEquals(400 * MIB, p.totalBytes());
    assertEquals(
        "layers 0/2  0 B of 400.0 MiB (0%) read",
        p.line(4 * SECOND), "loading gives way once the image is known");
    long[] written = {0};
    p.streamStarted(() -> written[0]);
    assertTrue(p.layerStarted(1, 2, 10 * SECOND), "the first layer begins a pass");
    p.layerProgress(1, 60 * MIB);
    p.layerFinished(1);
    assertFalse(p.layerStarted(0, 2, 11 * SECOND));
    p.layerProgress(0, 40 * MIB);
    written[0] = 250 * MIB;
    // 100 MiB of 400 read in 2 s: 50 MiB/s, 300 MiB to go, 6 s
    String line = p.line(12 * SECOND);
    assertTrue(line.startsWith("layers 2/2  100.0 MiB of 400.0 MiB (25%) read"), line);
    assertTrue(line.contains("250.0 MiB written"), line);
    assertTrue(line.contains("50.0 MiB/s"), line);
    assertTrue(line.endsWith("ETA 0:06"), line);
  }

  @Test
  void aFinishedLayerCountsItsWholeSizeAndProgressOfOtherLayersIsIgnored() {
    ConvertProgress p = new ConvertProgress();
    p.imageLoaded(image(10 * MIB, 30 * MIB));
    p.layerStarted(1, 2, 0);
    p.layerProgress(0, 5 * MIB); // a hard link's target read again from an older layer
    assertEquals(0, p.bytesRead());
    p.layerProgress(1, 28 * MIB); // reported every few MiB: the last report falls short of the end
    p.layerFinished(1);
    assertEquals(30 * MIB, p.bytesRead());
  }

  @Test
  void noRateBeforeASecondAndNoEtaOrPercentageWithoutSizes() {
    ConvertProgress p = new ConvertProgress();
    p.imageLoaded(image(-1, 20 * MIB));
    assertEquals(-1, p.totalBytes());
    p.layerStarted(1, 2, 0);
    p.layerProgress(1, 8 * MIB);
    assertFalse(p.line(SECOND / 2).contains("/s"), p.line(SECOND / 2));
    String later = p.line(2 * SECOND);
    assertTrue(later.contains("4.0 MiB/s"), later);
    assertFalse(later.contains("ETA") || later.contains("%"), later);
  }

  @Test
  void readingTheNewestLayerAgainIsANewPass() {
    ConvertProgress p = new ConvertProgress();
    p.imageLoaded(image(MIB, MIB));
    p.layerStarted(1, 2, 0);
    p.layerFinished(1);
    p.layerStarted(0, 2, 0);
    p.layerFinished(0);
    assertTrue(p.layerStarted(1, 2, 5 * SECOND));
    assertEquals(2, p.pass());
    assertEquals(0, p.bytesRead(), "a new pass counts from nothing");
    assertTrue(p.line(5 * SECOND).startsWith("pass 2: layers 1/2"), p.line(5 * SECOND));
  }

  @Test
  void finishingAndTheLinesThatStay() {
    ConvertProgress p = new ConvertProgress();
    p.imageLoaded(image(4 * MIB));
    p.streamStarted(() -> 9 * MIB);
    p.layerStarted(0, 1, 0);
    p.layerFinished(0);
    p.finishing(2 * SECOND);
    assertEquals(ConvertProgress.Phase.FINISHING, p.phase());
    assertEquals("mksquashfs finishing 0:05", p.line(7 * SECOND));
    assertEquals(
        "layers 1/1  4.0 MiB read, 9.0 MiB written in 2.0 s (2.0 MiB/s)",
        p.readingDoneLine(7 * SECOND));
    p.done(8 * SECOND);
    assertEquals("mksquashfs finished in 6.0 s", p.finishedLine());
  }

  @Test
  void aPullShowsWhatIsDownloadedUntilEveryBlobIsIn() {
    ConvertProgress p = new ConvertProgress();
    p.loading("docker://r/x:1", "mksquashfs", 0);
    p.downloaded("sha256:a", 3 * MIB, 10 * MIB);
    assertTrue(p.line(SECOND).endsWith(", 3.0 MiB downloaded"), p.line(SECOND));
    p.imageLoaded(image(10 * MIB, 30 * MIB));
    p.streamStarted(() -> 0);
    p.layerStarted(1, 2, SECOND);
    p.downloaded("sha256:b", 10 * MIB, 30 * MIB);
    assertTrue(p.line(SECOND).contains(", 13.0 MiB of 40.0 MiB downloaded"), p.line(SECOND));
    p.downloaded("sha256:a", 10 * MIB, 10 * MIB);
    p.downloaded("sha256:b", 30 * MIB, 30 * MIB);
    assertFalse(p.line(SECOND).contains("downloaded"), "all in: " + p.line(SECOND));
  }

  @Test
  void clockFormats() {
    assertEquals("0:00", ConvertProgress.clock(-5));
    assertEquals("1:05", ConvertProgress.clock(65 * SECOND));
    assertEquals("1:01:01", ConvertProgress.clock(3661 * SECOND));
  }
}
