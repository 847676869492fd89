package io.oci2squashfs.layer;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.util.Random;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;

class ReadAheadInputStreamTest {
  private static byte[] randomBytes(int n, long seed) {
    byte[] b = new byte[n];
    new Random(seed).nextBytes(b);
    return b;
  }

  @Test
  void deliversEveryByteInOrderWhateverTheReadSizes() throws IOException {
    byte[] data = randomBytes(1_000_003, 1);
    Random sizes = new Random(2);
    ByteArrayOutputStream got = new ByteArrayOutputStream();
    try (InputStream in = new ReadAheadInputStream(new ByteArrayInputStream(data), "t", 4096, 3)) {
      byte[] buf = new byte[10_000];
      while (true) {
        int want = sizes.nextInt(buf.length) + 1;
        if (sizes.nextInt(10) == 0) {
          int b = in.read();
          if (b < 0) {
            break;
          }
          got.write(b);
          continue;
        }
        int n = in.read(buf, 0, want);
        if (n < 0) {
          break;
        }
        got.write(buf, 0, n);
      }
      assertEquals(-1, in.read(), "the end stays the end");
    }
    assertArrayEquals(data, got.toByteArray());
  }

  @Test
  void sourceFailureArrivesAfterTheBytesReadBeforeIt() throws IOException {
    byte[] data = randomBytes(50_000, 3);
    IOException boom = new IOException("corrupt input");
    InputStream failing =
        new InputStream() {
          private int pos;

          @Override
          public int read() throws IOException {
            throw new UnsupportedOperationException();
          }

          @Override
          public int read(byte[] b, int off, int len) throws IOException {
            if (pos == data.length) {
              throw boom;
            }
            int n = Math.min(Math.min(len, 777), data.length - pos);
            System.arraycopy(data, pos, b, off, n);
            pos += n;
            return n;
          }
        };
    try (InputStream in = new ReadAheadInputStream(failing, "t", 4096, 2)) {
      byte[] got = in.readNBytes(data.length);
      assertArrayEquals(data, got);
      IOException thrown = assertThrows(IOException.class, in::read);
      assertSame(boom, thrown);
      assertSame(boom, assertThrows(IOException.class, in::read), "and again on a later read");
    }
  }

  @Test
  void closingEarlyStopsTheReaderWhichClosesTheSource() throws Exception {
    AtomicBoolean sourceClosed = new AtomicBoolean();
    InputStream endless =
        new InputStream() {
          @Override
          public int read() {
            return 7;
          }

          @Override
          public int read(byte[] b, int off, int len) {
            java.util.Arrays.fill(b, off, off + len, (byte) 7);
            return len;
          }

          @Override
          public void close() {
            sourceClosed.set(true);
          }
        };
    ReadAheadInputStream in = new ReadAheadInputStream(endless, "endless-reader", 1024, 2);
    assertEquals(7, in.read());
    in.close();
    assertTrue(sourceClosed.get(), "the source is closed once close() returns");
    assertFalse(
        Thread.getAllStackTraces().keySet().stream()
            .anyMatch(t -> t.getName().equals("endless-reader")),
        "the reading thread has ended");
    assertThrows(IOException.class, in::read);
  }

  @Test
  void skipMovesOverBytesWithoutLosingTheRest() throws IOException {
    byte[] data = randomBytes(20_000, 4);
    try (InputStream in = new ReadAheadInputStream(new ByteArrayInputStream(data), "t", 1000, 2)) {
      assertEquals(12_345, in.skip(12_345));
      assertArrayEquals(java.util.Arrays.copyOfRange(data, 12_345, data.length), in.readAllBytes());
      assertEquals(0, in.skip(10));
    }
  }

  @Test
  void aConsumerThatReadsOnlyTheStartCostsLittleMoreThanTheStart() throws IOException {
    // the root probe reads each layer's first entry only: the reader must not decompress
    // megabytes ahead of it before handing over the first bytes, nor after it closes
    java.util.concurrent.atomic.AtomicLong produced = new java.util.concurrent.atomic.AtomicLong();
    InputStream endless =
        new InputStream() {
          @Override
          public int read() {
            throw new UnsupportedOperationException();
          }

          @Override
          public int read(byte[] b, int off, int len) {
            int n = Math.min(len, 4096);
            produced.addAndGet(n);
            return n;
          }
        };
    // How far the reader gets before the close depends on scheduling; what is certain is that it
    // stops once its buffers are full, so the bound is their capacity, not a timing guess.
    ReadAheadInputStream in = new ReadAheadInputStream(endless, "start-reader", 64 * 1024, 2);
    in.readNBytes(512);
    in.close();
    long after = produced.get();
    assertTrue(after <= 3 * 64 * 1024 + 128 * 1024, "read " + after + " bytes for 512");
    assertEquals(after, produced.get(), "nothing is read once closed");
  }
}
