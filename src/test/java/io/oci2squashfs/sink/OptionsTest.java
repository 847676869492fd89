package io.oci2squashfs.sink;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

class OptionsTest {
  @Test
  void compressionParsesAlgorithmAndLevel() {
    assertEquals(
        List.of("-comp", "zstd", "-Xcompression-level", "19"),
        SquashfsCompression.parse("zstd:19").arguments());
    assertEquals(List.of("-comp", "xz"), SquashfsCompression.parse("XZ").arguments());
    assertEquals("gzip:9", SquashfsCompression.parse("gzip:9").toString());
  }

  @Test
  void badCompressionSaysWhatIsAllowed() {
    IllegalArgumentException e =
        assertThrows(IllegalArgumentException.class, () -> SquashfsCompression.parse("brotli"));
    assertTrue(e.getMessage().contains("zstd"), e.getMessage());
    assertThrows(IllegalArgumentException.class, () -> SquashfsCompression.parse("gzip:10"));
    assertThrows(IllegalArgumentException.class, () -> SquashfsCompression.parse("xz:3"));
    assertThrows(IllegalArgumentException.class, () -> SquashfsCompression.parse("zstd:fast"));
  }

  @Test
  void blockSizeMustBeAPowerOfTwoFrom4KTo1M() {
    assertEquals("1M", MksquashfsOptions.DEFAULT.withBlockSize("1M").blockSize());
    assertEquals("65536", MksquashfsOptions.DEFAULT.withBlockSize("65536").blockSize());
    assertThrows(
        IllegalArgumentException.class, () -> MksquashfsOptions.DEFAULT.withBlockSize("2M"));
    assertThrows(
        IllegalArgumentException.class, () -> MksquashfsOptions.DEFAULT.withBlockSize("100K"));
    assertThrows(
        IllegalArgumentException.class, () -> MksquashfsOptions.DEFAULT.withBlockSize("big"));
  }

  @Test
  void timesMustFitSquashfs() {
    assertThrows(IllegalArgumentException.class, () -> MksquashfsOptions.DEFAULT.withAllTime(-1L));
    assertThrows(
        IllegalArgumentException.class, () -> MksquashfsOptions.DEFAULT.withMkfsTime(1L << 32));
    List<String> args = MksquashfsOptions.DEFAULT.withMkfsTime(0L).withAllTime(5L).arguments();
    assertTrue(args.containsAll(List.of("-mkfs-time", "0", "-all-time", "5")), args.toString());
  }
}
