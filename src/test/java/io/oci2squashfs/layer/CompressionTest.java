package io.oci2squashfs.layer;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.oci2squashfs.testing.Compress;
import io.oci2squashfs.testing.StingyInputStream;
import io.oci2squashfs.testing.TinyTar;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Map;
import java.util.Random;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

class CompressionTest {
  private static final byte[] TAR = TinyTar.of("etc/hostname", "box\n", "bin/sh", "#!/bin/true\n");

  private static final Map<Compression, UnaryOperator<byte[]>> COMPRESSORS =
      Map.of(
          Compression.NONE, b -> b,
          Compression.GZIP, Compress::gzip,
          Compression.ZSTD, Compress::zstd,
          Compression.BZIP2, Compress::bzip2,
          Compression.XZ, Compress::xz,
          Compression.LZMA, Compress::lzma);

  @ParameterizedTest
  @EnumSource(Compression.class)
  void roundTripsWhatItsLibraryWrote(Compression c) throws IOException {
    byte[] compressed = COMPRESSORS.get(c).apply(TAR);

    assertArrayEquals(TAR, readAll(c.decompress(new ByteArrayInputStream(compressed))));
  }

  @ParameterizedTest
  @EnumSource(Compression.class)
  void sniffsItsOwnMagic(Compression c) {
    byte[] compressed = COMPRESSORS.get(c).apply(TAR);

    assertEquals(c, Compression.sniff(compressed, compressed.length));
  }

  @ParameterizedTest
  @EnumSource(value = Compression.class, mode = EnumSource.Mode.EXCLUDE, names = "LZMA")
  void roundTripsConcatenatedStreamsThroughAPipe(Compression c) throws IOException {
    // pigz/zstd -T and parallel bzip2 write several members; a pipe answers available() with 0.
    byte[] first = randomBytes(1, 100_000);
    byte[] second = randomBytes(2, 70_000);
    byte[] third = "the end".getBytes(StandardCharsets.UTF_8);
    UnaryOperator<byte[]> compress = COMPRESSORS.get(c);
    byte[] joined =
        Compress.concat(compress.apply(first), compress.apply(second), compress.apply(third));

    InputStream pipe = new StingyInputStream(new ByteArrayInputStream(joined), 13);

    assertArrayEquals(Compress.concat(first, second, third), readAll(c.decompress(pipe)));
  }

  @Test
  void zstdSkippableFramesAnywhereAreSniffedAndPassedOver() throws IOException {
    // zstd:chunked layers end with skippable frames holding their table of contents; a stream may
    // also start with one (RFC 8878, 3.1.2)
    byte[] zstd = Compress.zstd(TAR);
    byte[] blob =
        Compress.concat(
            skippableFrame(0x50, "leading metadata"), zstd, skippableFrame(0x5e, "{\"toc\": []}"));

    assertEquals(Compression.ZSTD, Compression.sniff(blob, blob.length));
    assertArrayEquals(
        TAR,
        readAll(
            Compression.ZSTD.decompress(new StingyInputStream(new ByteArrayInputStream(blob), 7))));
  }

  @Test
  void bytesThatOnlyResembleASkippableFrameAreNotZstd() {
    byte[] notQuite = {0x50, 0x2a, 0x4d, 0x19, 0, 0, 0, 0};
    byte[] lowNibbleElsewhere = {0x60, 0x2a, 0x4d, 0x18, 0, 0, 0, 0};

    assertEquals(Compression.NONE, Compression.sniff(notQuite, notQuite.length));
    assertEquals(
        Compression.NONE, Compression.sniff(lowNibbleElsewhere, lowNibbleElsewhere.length));
  }

  /**
   * A skippable frame: magic 0x184D2A5X, then the content's length and the content, little-endian.
   */
  private static byte[] skippableFrame(int firstByte, String content) {
    byte[] data = content.getBytes(StandardCharsets.UTF_8);
    java.nio.ByteBuffer b =
        java.nio.ByteBuffer.allocate(8 + data.length).order(java.nio.ByteOrder.LITTLE_ENDIAN);
    b.put((byte) firstByte)
        .put((byte) 0x2a)
        .put((byte) 0x4d)
        .put((byte) 0x18)
        .putInt(data.length)
        .put(data);
    return b.array();
  }

  @Test
  void gzipMembersSplitAtEveryReadSizeAreAllRead() throws IOException {
    byte[] a = "first member\n".getBytes(StandardCharsets.UTF_8);
    byte[] b = "second member\n".getBytes(StandardCharsets.UTF_8);
    byte[] joined = Compress.concat(Compress.gzip(a), Compress.gzip(b), Compress.gzip(a));
    for (int chunk = 1; chunk <= joined.length; chunk++) {
      InputStream pipe = new StingyInputStream(new ByteArrayInputStream(joined), chunk);
      assertArrayEquals(
          Compress.concat(a, b, a), readAll(Compression.GZIP.decompress(pipe)), "chunk " + chunk);
    }
  }

  @Test
  void closingTheDecoderClosesTheRawStream() throws IOException {
    StingyInputStream raw =
        new StingyInputStream(new ByteArrayInputStream(Compress.zstd(TAR)), 1024);
    Compression.ZSTD.decompress(raw).close();
    assertTrue(raw.isClosed());
  }

  @Test
  void plainTarSniffsAsNoneAndLooksLikeTar() {
    assertEquals(Compression.NONE, Compression.sniff(TAR, TAR.length));
    assertTrue(Compression.looksLikeTar(TAR, TAR.length));
  }

  @Test
  void tarWhoseFirstNameLooksLikeMagicIsStillATar() {
    byte[] tar = TinyTar.of("BZh91AY&SY", "x", "more", "y");
    byte[] gz = TinyTar.of("\u001f\u008bfile", "x");
    assertEquals(Compression.NONE, Compression.sniff(tar, tar.length));
    assertEquals(Compression.NONE, Compression.sniff(gz, gz.length));
  }

  @Test
  void shortOrUnknownInputSniffsAsNone() {
    byte[] text = "hello, world".getBytes(StandardCharsets.UTF_8);
    assertEquals(Compression.NONE, Compression.sniff(new byte[0], 0));
    assertEquals(Compression.NONE, Compression.sniff(new byte[] {0x1f}, 1));
    assertEquals(Compression.NONE, Compression.sniff(text, text.length));
    assertFalse(Compression.looksLikeTar(text, text.length));
  }

  @Test
  void sniffHonoursTheLengthNotTheArraySize() {
    byte[] gz = Arrays.copyOf(Compress.gzip(TAR), 600);
    assertEquals(Compression.GZIP, Compression.sniff(gz, 2));
    assertEquals(Compression.NONE, Compression.sniff(gz, 1));
  }

  @Test
  void bareMagicPrefixesSniff() {
    assertEquals(Compression.GZIP, sniff(0x1f, 0x8b));
    assertEquals(Compression.ZSTD, sniff(0x28, 0xb5, 0x2f, 0xfd));
    assertEquals(Compression.XZ, sniff(0xfd, '7', 'z', 'X', 'Z', 0x00));
    assertEquals(Compression.BZIP2, sniff('B', 'Z', 'h', '9'));
    // BZh followed by something that is neither a block nor the end of the stream.
    assertEquals(Compression.NONE, sniff('B', 'Z', 'h', '9', 'x', 'x', 'x', 'x', 'x', 'x'));
    assertEquals(Compression.NONE, sniff('B', 'Z', 'h', '0'));
  }

  @Test
  void lzmaNeedsAPlausibleHeader() {
    // props 5d, dictionary 8 MiB, size unknown
    assertEquals(
        Compression.LZMA,
        sniff(0x5d, 0, 0, 0x80, 0, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff));
    // props 5d, dictionary 8 MiB, size 1000
    assertEquals(Compression.LZMA, sniff(0x5d, 0, 0, 0x80, 0, 0xe8, 0x03, 0, 0, 0, 0, 0, 0));
    // a file named "]" in a tar without magic: dictionary 0
    assertEquals(Compression.NONE, sniff(0x5d, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0));
    // size absurdly large
    assertEquals(Compression.NONE, sniff(0x5d, 0, 0, 0x80, 0, 0, 0, 0, 0, 0, 0, 0, 0x7f));
  }

  private static Compression sniff(int... bytes) {
    byte[] head = new byte[bytes.length];
    for (int i = 0; i < bytes.length; i++) {
      head[i] = (byte) bytes[i];
    }
    return Compression.sniff(head, head.length);
  }

  private static byte[] randomBytes(long seed, int size) {
    byte[] b = new byte[size];
    new Random(seed).nextBytes(b);
    // half random, half repetitive, so the compressors produce several blocks of both kinds
    Arrays.fill(b, size / 2, size, (byte) 'a');
    return b;
  }

  static byte[] readAll(InputStream in) throws IOException {
    try (in) {
      return in.readAllBytes();
    }
  }
}
