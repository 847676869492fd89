package io.oci2squashfs.layer;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.oci2squashfs.testing.Compress;
import io.oci2squashfs.testing.StingyInputStream;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.zip.GZIPInputStream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class ExternalGunzipTest {
  /** Compressible but not trivially: 3 MiB of words from a small alphabet. */
  private static final byte[] DATA = text(3 << 20, 1);

  private Path igzip;

  @BeforeEach
  void needsIgzip() {
    igzip = ExternalGunzip.command();
    assumeTrue(igzip != null, "igzip is not installed (scripts/setup installs it)");
  }

  @Test
  void givesWhatTheJdkGives() throws IOException {
    byte[] blob = Compress.gzip(DATA);
    assertArrayEquals(jdk(blob), read(blob));
    assertArrayEquals(DATA, read(blob));
  }

  @Test
  void readsEveryMemberOfAMultiMemberBlob() throws IOException {
    byte[] other = text(100_000, 2);
    byte[] blob = Compress.concat(Compress.gzip(DATA), Compress.gzip(other));
    assertArrayEquals(Compress.concat(DATA, other), read(blob));
  }

  @Test
  void ignoresBytesAfterTheGzipDataAsTheJdkDoes() throws IOException {
    byte[] blob = Compress.concat(Compress.gzip(DATA), "trailing junk".getBytes());
    assertArrayEquals(jdk(blob), read(blob));
  }

  @Test
  void aTruncatedBlobDeliversWhatItHoldsThenFails() throws IOException {
    byte[] whole = Compress.gzip(DATA);
    byte[] blob = Arrays.copyOf(whole, whole.length / 2);
    ByteArrayOutputStream got = new ByteArrayOutputStream();
    IOException e;
    try (InputStream in = ExternalGunzip.start(igzip, new ByteArrayInputStream(blob))) {
      e = assertThrows(IOException.class, () -> in.transferTo(got));
    }
    assertTrue(
        e.getMessage().startsWith("the blob ends early, it is truncated or corrupt (igzip: "),
        e.getMessage());
    assertEquals(e.getMessage(), LayerException.wrap(e, 1, 2, null).detail(), "not said twice");
    assertTrue(got.size() > 0 && got.size() < DATA.length, "delivered " + got.size());
    assertArrayEquals(Arrays.copyOf(DATA, got.size()), got.toByteArray());
  }

  @Test
  void aDamagedBlobFails() {
    byte[] blob = Compress.gzip(DATA);
    for (int i = blob.length / 3; i < blob.length / 3 + 64; i++) {
      blob[i] ^= 0x5a;
    }
    assertThrows(IOException.class, () -> read(blob));
  }

  @Test
  void aFailureReadingTheBlobIsTheOneReported() {
    byte[] blob = Compress.gzip(DATA);
    IOException broken = new IOException("disk on fire");
    InputStream failing =
        new InputStream() {
          private final InputStream in = new ByteArrayInputStream(blob, 0, blob.length / 2);

          @Override
          public int read() throws IOException {
            throw broken;
          }

          @Override
          public int read(byte[] b, int off, int len) throws IOException {
            int n = in.read(b, off, len);
            if (n < 0) {
              throw broken;
            }
            return n;
          }
        };
    IOException e =
        assertThrows(
            IOException.class,
            () -> {
              try (InputStream in = ExternalGunzip.start(igzip, failing)) {
                in.readAllBytes();
              }
            });
    assertEquals(broken, e);
  }

  @Test
  void closingEarlyStopsIgzipAndClosesTheBlob() throws IOException {
    StingyInputStream raw =
        new StingyInputStream(new ByteArrayInputStream(Compress.gzip(DATA)), 4096);
    InputStream in = ExternalGunzip.start(igzip, raw);
    assertEquals(DATA[0], (byte) in.read());
    assertFalse(igzipChildren().isEmpty(), "igzip runs while the stream is open");
    in.close();
    assertTrue(raw.isClosed());
    assertEquals(List.of(), igzipChildren());
  }

  @Test
  void layerOpenerUsesIgzipForBigGzipBlobsOnly() throws IOException {
    byte[] blob = Compress.gzip(DATA);
    try (InputStream in =
        LayerOpener.open(
            new ByteArrayInputStream(blob), MediaTypes.OCI_LAYER_GZIP, blob.length, w -> {})) {
      assertEquals(DATA[0], (byte) in.read());
      assertFalse(igzipChildren().isEmpty());
      assertArrayEquals(Arrays.copyOfRange(DATA, 1, DATA.length), in.readAllBytes());
    }
    try (InputStream in =
        LayerOpener.open(
            new ByteArrayInputStream(blob),
            MediaTypes.OCI_LAYER_GZIP,
            ExternalGunzip.MIN_BLOB_SIZE - 1,
            w -> {})) {
      assertEquals(DATA[0], (byte) in.read());
      assertEquals(List.of(), igzipChildren());
    }
  }

  private byte[] read(byte[] blob) throws IOException {
    try (InputStream in =
        ExternalGunzip.start(
            igzip, new StingyInputStream(new ByteArrayInputStream(blob), 70_000))) {
      return in.readAllBytes();
    }
  }

  private static byte[] jdk(byte[] blob) throws IOException {
    try (InputStream in = new GZIPInputStream(new ByteArrayInputStream(blob))) {
      return in.readAllBytes();
    }
  }

  private static List<ProcessHandle> igzipChildren() {
    return ProcessHandle.current()
        .children()
        .filter(p -> p.isAlive() && p.info().command().map(c -> c.endsWith("igzip")).orElse(false))
        .toList();
  }

  private static byte[] text(int size, long seed) {
    String[] words = {"usr", "lib", "share", "doc", "x86_64", "linux", "gnu", "python3", "\n", "/"};
    Random r = new Random(seed);
    ByteArrayOutputStream out = new ByteArrayOutputStream(size + 16);
    while (out.size() < size) {
      out.writeBytes(words[r.nextInt(words.length)].getBytes());
      out.write(r.nextInt(256));
    }
    return Arrays.copyOf(out.toByteArray(), size);
  }
}
