package io.oci2squashfs.layer;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.oci2squashfs.testing.Compress;
import io.oci2squashfs.testing.StingyInputStream;
import io.oci2squashfs.testing.TinyTar;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class LayerOpenerTest {
  private static final byte[] TAR = TinyTar.of("etc/os-release", "ID=test\n");

  private final List<String> warnings = new ArrayList<>();

  @ParameterizedTest
  @CsvSource({
    "application/vnd.oci.image.layer.v1.tar, NONE",
    "application/vnd.oci.image.layer.v1.tar+gzip, GZIP",
    "application/vnd.oci.image.layer.v1.tar+zstd, ZSTD",
    "application/vnd.oci.image.layer.nondistributable.v1.tar+gzip, GZIP",
    "application/vnd.docker.image.rootfs.diff.tar.gzip, GZIP",
    "application/vnd.docker.image.rootfs.foreign.diff.tar.gzip, GZIP",
    "application/vnd.docker.image.rootfs.diff.tar, NONE",
    "application/vnd.oci.image.layer.v1.tar+bzip2, BZIP2",
    "application/vnd.oci.image.layer.v1.tar+xz, XZ",
    "application/vnd.oci.image.layer.v1.tar+lzma, LZMA",
  })
  void readsWhatTheMediaTypeSaysWithoutWarning(String mediaType, Compression c) throws IOException {
    byte[] blob = compress(c, TAR);

    assertArrayEquals(TAR, read(blob, mediaType));
    assertEquals(List.of(), warnings);
  }

  @ParameterizedTest
  @CsvSource({"NONE", "GZIP", "ZSTD", "BZIP2", "XZ", "LZMA"})
  void withoutMediaTypeTheBytesDecideSilently(Compression c) throws IOException {
    assertArrayEquals(TAR, read(compress(c, TAR), null));
    assertEquals(List.of(), warnings);
  }

  @Test
  void whenMediaTypeAndBytesDisagreeTheBytesWin() throws IOException {
    assertArrayEquals(TAR, read(Compress.zstd(TAR), MediaTypes.OCI_LAYER_GZIP));
    assertEquals(List.of("media type says gzip but the bytes are zstd; reading as zstd"), warnings);
  }

  @Test
  void compressedBytesUnderAnUncompressedMediaTypeAreDecompressed() throws IOException {
    assertArrayEquals(TAR, read(Compress.gzip(TAR), MediaTypes.DOCKER_LAYER));
    assertEquals(
        List.of("media type says uncompressed but the bytes are gzip; reading as gzip"), warnings);
  }

  @Test
  void aPlainTarUnderACompressedMediaTypeIsReadAsTar() throws IOException {
    assertArrayEquals(TAR, read(TAR, MediaTypes.OCI_LAYER_ZSTD));
    assertEquals(
        List.of(
            "media type says zstd but the bytes are an uncompressed tar; "
                + "reading as an uncompressed tar"),
        warnings);
  }

  @Test
  void unrecognisableBytesUnderACompressedMediaTypeFail() {
    byte[] junk = {1, 2, 3, 4, 5, 6, 7, 8, 9, 10};
    LayerException e =
        assertThrows(LayerException.class, () -> read(junk, MediaTypes.OCI_LAYER_GZIP));
    assertEquals(
        "media type says gzip but the bytes are not gzip nor anything else known "
            + "(they start 01 02 03 04 05 06 07 08)",
        e.getMessage());
  }

  @Test
  void unknownMediaTypeFailsAndClosesTheRawStream() {
    StingyInputStream raw = new StingyInputStream(new ByteArrayInputStream(TAR), 512);
    LayerException e =
        assertThrows(
            LayerException.class,
            () -> LayerOpener.open(raw, "application/vnd.example.thing", warnings::add));
    assertEquals("unsupported layer media type application/vnd.example.thing", e.getMessage());
    assertTrue(raw.isClosed());
  }

  @Test
  void closingTheResultClosesTheRawStream() throws IOException {
    StingyInputStream raw = new StingyInputStream(new ByteArrayInputStream(Compress.xz(TAR)), 7);
    InputStream in = LayerOpener.open(raw, null, warnings::add);
    in.read();
    in.close();
    assertTrue(raw.isClosed());
  }

  @Test
  void readsConcatenatedGzipMembersFromAPipe() throws IOException {
    byte[] second = TinyTar.of("usr/bin/x", "#!/bin/sh\n");
    // Two tars back to back are not one tar, but the byte stream is what this test checks.
    byte[] blob = Compress.concat(Compress.gzip(TAR), Compress.gzip(second));
    InputStream raw = new StingyInputStream(new ByteArrayInputStream(blob), 100);

    byte[] got;
    try (InputStream in = LayerOpener.open(raw, MediaTypes.OCI_LAYER_GZIP, warnings::add)) {
      got = in.readAllBytes();
    }
    assertArrayEquals(Compress.concat(TAR, second), got);
  }

  @Test
  void anEmptyBlobWithoutMediaTypeIsAnEmptyStream() throws IOException {
    assertArrayEquals(new byte[0], read(new byte[0], null));
  }

  @Test
  void aTruncatedGzipHeaderIsALayerException() {
    byte[] blob = {0x1f, (byte) 0x8b};
    LayerException e = assertThrows(LayerException.class, () -> read(blob, null));
    assertTrue(e.getMessage().startsWith("cannot start gzip decompression: "), e.getMessage());
  }

  private byte[] read(byte[] blob, String mediaType) throws IOException {
    try (InputStream in =
        LayerOpener.open(new ByteArrayInputStream(blob), mediaType, warnings::add)) {
      return in.readAllBytes();
    }
  }

  private static byte[] compress(Compression c, byte[] data) {
    switch (c) {
      case NONE:
        return data;
      case GZIP:
        return Compress.gzip(data);
      case ZSTD:
        return Compress.zstd(data);
      case BZIP2:
        return Compress.bzip2(data);
      case XZ:
        return Compress.xz(data);
      case LZMA:
        return Compress.lzma(data);
      default:
        throw new AssertionError(c);
    }
  }
}
