package io.oci2squashfs.layer;

import io.oci2squashfs.cleanup.OnSignal;
import io.oci2squashfs.exec.Executables;
import io.oci2squashfs.exec.OutputTail;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

/**
 * Decompresses gzip in an {@code igzip} child process (Intel ISA-L, Debian package {@code isal}),
 * which inflates about three times faster than the zlib behind {@link java.util.zip.Inflater}. On
 * two cores shared with mksquashfs every CPU-second counts: for the benchmark's 1 GB of gzip layers
 * this saves several. Used for big blobs only, where starting a process costs nothing next to the
 * work; without igzip the JDK's decompressor is used and nothing else changes.
 *
 * <p>{@code OCI2SQUASHFS_IGZIP} (or the system property {@code oci2squashfs.igzip}) names the
 * program to use instead of {@code igzip} on {@code PATH}, or {@code none} to never use one.
 */
public final class ExternalGunzip {
  /** Smallest blob worth a process of its own. */
  public static final long MIN_BLOB_SIZE = 1 << 20;

  private static volatile Path command;
  private static volatile boolean looked;

  private ExternalGunzip() {}

  /** The igzip to use, or null when there is none or it is turned off. Looked up once. */
  public static Path command() {
    if (!looked) {
      String wanted = System.getProperty("oci2squashfs.igzip", System.getenv("OCI2SQUASHFS_IGZIP"));
      if (wanted == null || wanted.isBlank()) {
        wanted = "igzip";
      }
      command = wanted.equalsIgnoreCase("none") ? null : Executables.find(wanted.strip());
      looked = true;
    }
    return command;
  }

  /**
   * Starts {@code igzip -dc} on {@code gzip}. The returned stream gives the decompressed bytes; at
   * their end it waits for igzip and throws if igzip failed (a truncated or corrupt blob) or if
   * reading {@code gzip} failed, so everything decompressed before the failure is delivered first.
   * Closing it stops igzip, if still running, and closes {@code gzip}.
   */
  public static InputStream start(Path igzip, InputStream gzip) throws IOException {
    return new Decompressed(igzip, gzip);
  }

  private static final class Decompressed extends InputStream {
    private final InputStream gzip;
    private final Process process;
    private final InputStream out;
    private final OutputTail errors;
    private final Thread feeder;
    private final OnSignal.Registration stopOnSignal;
    private volatile IOException readFailure;
    private volatile boolean closed;
    private boolean finished;

    Decompressed(Path igzip, InputStream gzip) throws IOException {
      this.gzip = gzip;
      process = new ProcessBuilder(igzip.toString(), "-d", "-c").start();
      stopOnSignal = OnSignal.stopOnSignal(process);
      out = process.getInputStream();
      errors = new OutputTail(process.getErrorStream(), 2048, "igzip-stderr");
      feeder = new Thread(this::feed, "igzip-feeder");
      feeder.setDaemon(true);
      feeder.start();
    }

    // Copies the blob into igzip. Does not close the blob: its owner may still read its tail.
    private void feed() {
      byte[] buf = new byte[LayerOpener.BUFFER_SIZE];
      try (OutputStream in = process.getOutputStream()) {
        while (!closed) {
          int n;
          try {
            n = gzip.read(buf);
          } catch (IOException e) {
            readFailure = e;
            return;
          }
          if (n < 0) {
            return;
          }
          in.write(buf, 0, n);
        }
      } catch (IOException e) {
        // igzip stopped reading: it ended (bytes after the gzip data are not its business) or
        // failed,
        // which its exit status tells
      }
    }

    @Override
    public int read() throws IOException {
      byte[] one = new byte[1];
      return read(one, 0, 1) < 0 ? -1 : one[0] & 0xff;
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
      if (closed) {
        throw new IOException("stream closed");
      }
      if (finished) {
        return -1;
      }
      int n = out.read(b, off, len);
      if (n < 0) {
        finish();
        return -1;
      }
      return n;
    }

    private void finish() throws IOException {
      finished = true;
      int status;
      try {
        status = process.waitFor();
        feeder.join();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new java.io.InterruptedIOException("interrupted while waiting for igzip");
      }
      stopOnSignal.close();
      if (readFailure != null) {
        throw readFailure;
      }
      if (status != 0) {
        String said = errors.text().replace(" (null)", "").replace('\n', ' ');
        // igzip says the same for a blob cut short and for one damaged in the middle; worded as the
        // JDK's decompressor's failures are (LayerException)
        throw new IOException(
            "the blob ends early, it is truncated or corrupt ("
                + (said.isEmpty() ? "igzip" : said)
                + "; exit status "
                + status
                + ")");
      }
    }

    @Override
    public void close() throws IOException {
      if (closed) {
        return;
      }
      closed = true;
      try {
        if (process.isAlive()) {
          process.destroyForcibly();
        }
        out.close();
        try {
          feeder.join(TimeUnit.SECONDS.toMillis(10));
          process.waitFor(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
        }
      } finally {
        stopOnSignal.close();
        gzip.close();
      }
    }
  }
}
