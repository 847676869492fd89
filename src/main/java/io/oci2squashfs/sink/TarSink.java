package io.oci2squashfs.sink;

import io.oci2squashfs.tar.Mtime;
import io.oci2squashfs.tar.PaxTarWriter;
import io.oci2squashfs.tar.TarHeader;
import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Writes the merged filesystem as one PAX tar with numeric owners, its root first as {@code ./}:
 * either to a file, written beside it under a temporary name and renamed on {@link #commit()}, or
 * to a stream such as standard output, which cannot be taken back and so cannot be restarted.
 */
public final class TarSink implements OutputSink {
  private static final int BUFFER = 1 << 20;
  // an entry written this long after the last flush is passed on with what is held (the merge
  // writes an entry every few milliseconds, except over a run of whiteouts or skipped entries)
  private static final Duration MAX_HOLD = Duration.ofMillis(100);

  private final Path output;
  private final Path partial;
  private final boolean replace;
  private final OutputStream out;
  private final PaxTarWriter tar;
  private final Mtime allTime;
  private final AbortOnExit onExit;
  private boolean done;

  private TarSink(Path output, Path partial, boolean replace, OutputStream out, Long allTime) {
    this.output = output;
    this.partial = partial;
    this.replace = replace;
    this.out = new BufferedOutputStream(out, BUFFER);
    this.tar = new PaxTarWriter(this.out, MAX_HOLD);
    this.allTime = allTime == null ? null : Mtime.ofSeconds(allTime);
    // Ctrl-C or SIGTERM: leave no partial file
    this.onExit = partial == null ? null : new AbortOnExit(this, "tar-abort", e -> {});
  }

  /**
   * Starts a tar file beside {@code output}.
   *
   * @param root the root directory's attributes, written first as {@code ./}
   * @param allTime when set, every entry's mtime, the root's too
   * @param replace whether {@code output} may be replaced if it exists when the tar is done
   */
  public static TarSink toFile(Path output, TarHeader root, Long allTime, boolean replace) throws IOException {
    Path abs = output.toAbsolutePath();
    Path partial = abs.resolveSibling("." + abs.getFileName() + "." + Long.toHexString(System.nanoTime())
        + Integer.toHexString(ThreadLocalRandom.current().nextInt()) + ".partial");
    OutputStream file = Files.newOutputStream(partial, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE);
    TarSink sink = new TarSink(abs, partial, replace, file, allTime);
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
  public static TarSink toStream(OutputStream stream, TarHeader root, Long allTime) throws IOException {
    TarSink sink = new TarSink(null, null, false, stream, allTime);
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
    return partial != null;
  }

  @Override
  public synchronized String commit() throws IOException {
    if (done) {
      throw new IOException("the conversion was stopped; no tar was written");
    }
    tar.finish();
    out.close();
    if (partial != null) {
      if (!replace && Files.exists(output)) {
        throw new FileAlreadyExistsException(output.toString(), null, "it appeared while converting; not replaced");
      }
      try {
        Files.move(partial, output, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
      } catch (AtomicMoveNotSupportedException e) {
        Files.move(partial, output, StandardCopyOption.REPLACE_EXISTING);
      }
      onExit.forget();
    }
    done = true;
    return "";
  }



  @Override
  public synchronized void close() throws IOException {
    if (done) {
      return;
    }
    done = true;
    if (onExit != null) {
      onExit.forget();
    }
    try {
      if (partial == null) {
        tar.flush(); // what was written stays written; without end blocks it reads as truncated
      }
      out.close();
    } catch (IOException e) {
      // the stream is broken or gone; nothing more to do with it
    } finally {
      if (partial != null) {
        Files.deleteIfExists(partial);
      }
    }
  }
}
