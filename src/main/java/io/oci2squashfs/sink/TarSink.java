package io.oci2squashfs.sink;

import io.oci2squashfs.cleanup.PendingOutput;
import io.oci2squashfs.tar.Mtime;
import io.oci2squashfs.tar.PaxTarWriter;
import io.oci2squashfs.tar.TarHeader;
import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;

/**
 * Writes the merged filesystem as one PAX tar with numeric owners, its root first as {@code ./}:
 * either to a file, written beside it under a temporary name and renamed on {@link #commit()}
 * ({@link PendingOutput}), or to a stream such as standard output, which cannot be taken back and
 * so cannot be restarted.
 */
public final class TarSink implements OutputSink {
  private static final int BUFFER = 1 << 20;
  // an entry written this long after the last flush is passed on with what is held (the merge
  // writes an entry every few milliseconds, except over a run of whiteouts or skipped entries)
  private static final Duration MAX_HOLD = Duration.ofMillis(100);

  private final PendingOutput file; // null for a stream
  private final OutputStream out;
  private final PaxTarWriter tar;
  private final Mtime allTime;
  private boolean done;

  private TarSink(PendingOutput file, OutputStream out, Long allTime) {
    this.file = file;
    this.out = new BufferedOutputStream(out, BUFFER);
    this.tar = new PaxTarWriter(this.out, MAX_HOLD);
    this.allTime = allTime == null ? null : Mtime.ofSeconds(allTime);
  }

  /**
   * Starts a tar file beside {@code output}.
   *
   * @param root the root directory's attributes, written first as {@code ./}
   * @param allTime when set, every entry's mtime, the root's too
   * @param replace whether {@code output} may be replaced if it exists when the tar is done
   */
  public static TarSink toFile(Path output, TarHeader root, Long allTime, boolean replace)
      throws IOException {
    PendingOutput pending = PendingOutput.file(output, replace);
    TarSink sink;
    try {
      sink =
          new TarSink(
              pending,
              Files.newOutputStream(
                  pending.partial(), StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE),
              allTime);
    } catch (IOException | RuntimeException e) {
      pending.close();
      throw e;
    }
    try {
      sink.tar.writeRoot(sink.timed(root));
    } catch (IOException | RuntimeException e) {
      sink.close();
      throw e;
    }
    return sink;
  }

  /**
   * Starts a tar on {@code stream}, which the sink closes. Closing without a commit leaves the
   * stream without the tar's end blocks, so that a reader sees it is truncated.
   */
  public static TarSink toStream(OutputStream stream, TarHeader root, Long allTime)
      throws IOException {
    TarSink sink = new TarSink(null, stream, allTime);
    sink.tar.writeRoot(sink.timed(root));
    return sink;
  }

  private TarHeader timed(TarHeader h) {
    return allTime == null ? h : h.withMtime(allTime);
  }

  @Override
  public void write(TarHeader header, InputStream content) throws IOException {
    tar.write(timed(header), content);
  }

  @Override
  public long bytesWritten() {
    return tar.bytesWritten();
  }

  @Override
  public boolean restartable() {
    return file != null;
  }

  @Override
  public String commit(Finish finish) throws IOException {
    if (finish != Finish.NONE) {
      throw new UnsupportedOperationException("a tar takes no finishing step");
    }
    tar.finish();
    out.close();
    done = true;
    if (file != null) {
      file.commit();
    }
    return "";
  }

  @Override
  public void close() throws IOException {
    if (done && (file == null || file.committed())) {
      return;
    }
    done = true;
    try {
      if (file == null) {
        tar.flush(); // what was written stays written; without end blocks it reads as truncated
      }
      out.close();
    } catch (IOException e) {
      // the stream is broken or gone; nothing more to do with it
    } finally {
      if (file != null) {
        file.close();
      }
    }
  }
}
