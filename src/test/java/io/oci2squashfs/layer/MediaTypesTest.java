package io.oci2squashfs.layer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class MediaTypesTest {
  @ParameterizedTest
  @CsvSource({
    "application/vnd.oci.image.layer.v1.tar, NONE",
    "application/vnd.oci.image.layer.v1.tar+gzip, GZIP",
    "application/vnd.oci.image.layer.v1.tar+zstd, ZSTD",
    "application/vnd.oci.image.layer.nondistributable.v1.tar, NONE",
    "application/vnd.oci.image.layer.nondistributable.v1.tar+gzip, GZIP",
    "application/vnd.oci.image.layer.nondistributable.v1.tar+zstd, ZSTD",
    "application/vnd.docker.image.rootfs.diff.tar, NONE",
    "application/vnd.docker.image.rootfs.diff.tar.gzip, GZIP",
    "application/vnd.docker.image.rootfs.foreign.diff.tar.gzip, GZIP",
    "application/vnd.oci.image.layer.v1.tar+bzip2, BZIP2",
    "application/vnd.oci.image.layer.v1.tar+xz, XZ",
    "application/vnd.oci.image.layer.v1.tar+lzma, LZMA",
    "APPLICATION/VND.OCI.IMAGE.LAYER.V1.TAR+GZIP, GZIP",
    "'application/vnd.oci.image.layer.v1.tar+zstd; charset=binary', ZSTD",
  })
  void mapsLayerMediaTypesToCompressions(String mediaType, Compression expected)
      throws LayerException {
    assertEquals(Optional.of(expected), MediaTypes.compressionOf(mediaType));
  }

  @Test
  void absentMediaTypeLeavesItToTheBytes() throws LayerException {
    assertEquals(Optional.empty(), MediaTypes.compressionOf(null));
    assertEquals(Optional.empty(), MediaTypes.compressionOf(""));
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "application/vnd.oci.image.manifest.v1+json",
        "application/vnd.oci.image.layer.v1.tar+brotli",
        "application/vnd.oci.image.layer.v1.targzip",
        "application/octet-stream",
      })
  void rejectsOtherMediaTypesNamingThem(String mediaType) {
    LayerException e =
        assertThrows(LayerException.class, () -> MediaTypes.compressionOf(mediaType));
    assertEquals("unsupported layer media type " + mediaType, e.getMessage());
  }

  @Test
  void knowsNonDistributableLayers() {
    assertTrue(MediaTypes.isNonDistributable(MediaTypes.OCI_LAYER_NONDISTRIBUTABLE_GZIP));
    assertTrue(MediaTypes.isNonDistributable(MediaTypes.DOCKER_FOREIGN_LAYER_GZIP));
    assertFalse(MediaTypes.isNonDistributable(MediaTypes.OCI_LAYER_GZIP));
    assertFalse(MediaTypes.isNonDistributable(null));
  }
}
