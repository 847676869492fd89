package io.oci2squashfs.sink;

import io.oci2squashfs.cleanup.OnSignal;
import io.oci2squashfs.cleanup.PendingOutput;
import io.oci2squashfs.cleanup.StoppedException;
import io.oci2squashfs.exec.OutputTail;
import io.oci2squashfs.exec.ToolException;
import io.oci2squashfs.tar.Mtime;
import io.oci2squashfs.tar.PaxTarWriter;
import io.oci2squashfs.tar.TarHeader;
import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Streams merged entries as one PAX tar into a spawned filesystem builder ({@link
 * FilesystemBuilder}: mksquashfs or mkfs.erofs), writing the image beside {@code output} under a
 * temporary name ({@link PendingOutput}). {@link #commit} waits for the builder, runs the finishing
 * step on the complete image (a verity tree) and moves it to {@code output}; {@link #close()}
 * without a commit stops the builder and deletes the partial image, so a failed conversion leaves
 * nothing behind. A signal does the same from the shutdown hook, also while {@link #commit} waits:
 * nothing here holds a lock while it waits.
 */
public final class FilesystemSink implements OutputSink {
  private static final int STDIN_BUFFER = 1 << 20;
  // an entry written this long after the last flush is passed on with what is held (the merge
  // writes an entry every few milliseconds, except over a run of whiteouts or skipped entries)
  private static final Duration MAX_HOLD = Duration.ofMillis(100);
  private static final int TAIL_BYTES = 16 * 1024;

  private final FilesystemBuilder builder;
  private final PendingOutput output;
  private final Process process;
  private final OnSignal.Registration stopOnSignal;
  private final OutputStream stdin;
  private final PaxTarWriter tar;
  private final OutputTail stderr;
  private final OutputTail stdout;
  private final List<String> command;
  private long timesClamped;
  private long devicesMiswritten;
  private String deviceFault;
  private String firstMiswritten;

  private FilesystemSink(
      FilesystemBuilder builder, PendingOutput output, Process process, List<String> command) {
    this.builder = builder;
    this.output = output;
    this.process = process;
    this.stopOnSignal = OnSignal.stopOnSignal(process);
    this.command = command;
    this.stdin = new BufferedOutputStream(process.getOutputStream(), STDIN_BUFFER);
    this.tar = new PaxTarWriter(stdin, MAX_HOLD);
    String name = builder.toolName();
    this.stderr = new OutputTail(process.getErrorStream(), TAIL_BYTES, name + "-stderr");
    this.stdout = new OutputTail(process.getInputStream(), TAIL_BYTES, name + "-stdout");
  }

  /**
   * Starts the builder.
   *
   * @param root the root directory's attributes
   * @param replace whether {@code output} may be replaced if it exists when the image is done
   */
  public static FilesystemSink start(
      FilesystemBuilder builder, Path output, TarHeader root, boolean replace) throws IOException {
    // the builder creates the partial file (umask mode)
    PendingOutput pending = PendingOutput.file(output, replace);
    List<String> cmd = builder.command(pending.partial(), root);
    ProcessBuilder pb = new ProcessBuilder(cmd);
    builder.environment(pb.environment());
    FilesystemSink sink;
    try {
      sink = new FilesystemSink(builder, pending, pb.start(), cmd);
    } catch (IOException e) {
      pending.close();
      throw new ToolException(
          builder.toolName(),
          -1,
          "cannot start " + cmd.get(0) + ": " + e.getMessage(),
          builder.installHint(),
          e);
    }
    if (builder.rootInStream()) {
      try {
        sink.tar.writeRoot(sink.fitted(root));
      } catch (IOException e) {
        IOException failure = sink.failureOr(e);
        sink.close();
        throw failure;
      } catch (RuntimeException e) {
        sink.close();
        throw e;
      }
    }
    return sink;
  }

  /** The command line the builder was started with. */
  public List<String> command() {
    return List.copyOf(command);
  }

  /** The builder's name: {@code mksquashfs}, {@code mkfs.erofs}. */
  public String toolName() {
    return builder.toolName();
  }

  @Override
  public void write(TarHeader header, InputStream content) throws IOException {
    if (header.type().isDevice()) {
      String fault = builder.deviceFault(header.devMajor(), header.devMinor());
      if (fault != null) {
        deviceFault = fault;
        if (devicesMiswritten++ == 0) {
          firstMiswritten = header.path().shortDisplay();
        }
      }
    }
    try {
      tar.write(fitted(header), content);
    } catch (IOException e) {
      throw failureOr(e);
    }
  }

  /** The header with its mtime as the filesystem can keep it, clamped (and counted) if need be. */
  private TarHeader fitted(TarHeader header) {
    long secs = header.mtime().seconds();
    long clamped = Math.max(builder.minTime(), Math.min(builder.maxTime(), secs));
    if (clamped != secs) {
      timesClamped++;
      return header.withMtime(Mtime.ofSeconds(clamped));
    }
    // where only whole seconds are kept, a plain octal time also spares a PAX header
    return header.mtime().nanos() == 0 || builder.keepsNanoseconds()
        ? header
        : header.withMtime(Mtime.ofSeconds(secs));
  }

  /** Entries whose mtime lay outside what the filesystem can hold and was clamped. */
  public long timesClamped() {
    return timesClamped;
  }

  @Override
  public List<String> warnings() {
    List<String> w = new ArrayList<>();
    if (timesClamped > 0) {
      w.add(
          timesClamped
              + " entries had mtimes outside what "
              + builder.filesystemName()
              + " can hold; they were clamped");
    }
    if (devicesMiswritten > 0) {
      w.add(
          devicesMiswritten
              + " device node(s), the first "
              + firstMiswritten
              + ", have numbers the image does not keep: "
              + deviceFault);
    }
    return w;
  }

  /** Bytes of tar handed to the builder so far. */
  @Override
  public long bytesWritten() {
    return tar.bytesWritten();
  }

  /**
   * Ends the stream, waits for the builder, runs {@code finish} on the complete image and moves it
   * into place.
   *
   * @return what the builder printed on stdout (its summary)
   * @throws ToolException when the builder fails; the partial image is then deleted by {@link
   *     #close()}
   * @throws StoppedException when a signal stopped the run meanwhile
   */
  @Override
  public String commit(Finish finish) throws IOException {
    try {
      tar.finish();
      stdin.close();
    } catch (IOException e) {
      throw failureOr(e);
    }
    int exit = waitFor();
    if (OnSignal.stopping()) {
      throw new StoppedException();
    }
    if (exit != 0) {
      throw new ToolException(
          builder.toolName(),
          exit,
          builder.toolName() + " failed (exit " + exit + "): " + words(),
          null);
    }
    stopOnSignal.close();
    finish.apply(output.partial());
    output.commit();
    return stdout.text();
  }

  private int waitFor() throws IOException {
    try {
      return process.waitFor();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IOException("interrupted while waiting for " + builder.toolName(), e);
    }
  }

  /**
   * A write failed. When the builder has exited, its own words explain it better than "Broken
   * pipe".
   */
  private IOException failureOr(IOException writeError) {
    try {
      // a broken pipe shows only once the builder has closed its end, which it does by exiting
      if (process.waitFor(500, TimeUnit.MILLISECONDS)) {
        return new ToolException(
            builder.toolName(),
            process.exitValue(),
            builder.toolName() + " stopped reading (exit " + process.exitValue() + "): " + words(),
            null,
            writeError);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    return writeError;
  }

  private String words() {
    String err = stderr.text();
    if (err.isEmpty()) {
      err = stdout.text();
    }
    return err.isEmpty() ? "(it printed nothing)" : err;
  }

  /** Without a successful {@link #commit}: stops the builder and deletes the partial image. */
  @Override
  public void close() throws IOException {
    if (output.committed()) {
      return;
    }
    stopOnSignal.close();
    // Its output is being thrown away: no need to be gentle, nor to wait long.
    OnSignal.kill(process.toHandle());
    try {
      stdin.close();
    } catch (IOException ignored) {
      // the child is gone; its pipe may already be broken
    }
    output.close();
  }
}
