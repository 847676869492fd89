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
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Streams merged entries as one PAX tar into a spawned {@code mksquashfs - TMP -tar}, writing the
 * image beside {@code output} under a temporary name ({@link PendingOutput}). {@link #commit()}
 * waits for mksquashfs and moves the image to {@code output}; {@link #close()} without a commit
 * stops mksquashfs and deletes the partial image, so a failed conversion leaves nothing behind. A
 * signal does the same from the shutdown hook, also while {@link #commit()} waits for mksquashfs:
 * nothing here holds a lock while it waits.
 */
public final class MksquashfsSink implements OutputSink {
  private static final int STDIN_BUFFER = 1 << 20;
  // an entry written this long after the last flush is passed on with what is held (the merge
  // writes an entry every few milliseconds, except over a run of whiteouts or skipped entries)
  private static final Duration MAX_HOLD = Duration.ofMillis(100);
  private static final int TAIL_BYTES = 16 * 1024;
  private static final long MAX_SQUASHFS_TIME = 0xFFFF_FFFFL;

  private final PendingOutput output;
  private final Process process;
  private final OnSignal.Registration stopOnSignal;
  private final OutputStream stdin;
  private final PaxTarWriter tar;
  private final OutputTail stderr;
  private final OutputTail stdout;
  private final List<String> command;
  private long timesClamped;

  private MksquashfsSink(PendingOutput output, Process process, List<String> command) {
    this.output = output;
    this.process = process;
    this.stopOnSignal = OnSignal.stopOnSignal(process);
    this.command = command;
    this.stdin = new BufferedOutputStream(process.getOutputStream(), STDIN_BUFFER);
    this.tar = new PaxTarWriter(stdin, MAX_HOLD);
    this.stderr = new OutputTail(process.getErrorStream(), TAIL_BYTES, "mksquashfs-stderr");
    this.stdout = new OutputTail(process.getInputStream(), TAIL_BYTES, "mksquashfs-stdout");
  }

  /**
   * Starts mksquashfs.
   *
   * @param root the root directory's attributes (mksquashfs ignores a root entry in the stream)
   * @param replace whether {@code output} may be replaced if it exists when the image is done
   */
  public static MksquashfsSink start(
      MksquashfsTool tool, MksquashfsOptions options, Path output, TarHeader root, boolean replace)
      throws IOException {
    // mksquashfs creates the partial file (umask mode)
    PendingOutput pending = PendingOutput.file(output, replace);
    List<String> cmd =
        new ArrayList<>(
            List.of(tool.executable().toString(), "-", pending.partial().toString(), "-tar"));
    cmd.addAll(options.arguments());
    cmd.addAll(
        List.of(
            "-root-mode",
            String.format("%04o", root.mode()),
            "-root-uid",
            Long.toString(root.uid()),
            "-root-gid",
            Long.toString(root.gid()),
            "-root-time",
            Long.toString(
                options.allTime() != null ? options.allTime() : clamp(root.mtime().seconds()))));
    // the -root-* options carry no xattrs; a pseudo definition on "/" does, hex-encoded byte for
    // byte
    root.xattrs()
        .forEach(
            (name, value) ->
                cmd.addAll(List.of("-p", "/ x " + name + "=0x" + HexFormat.of().formatHex(value))));
    ProcessBuilder pb = new ProcessBuilder(cmd);
    if (!options.keepSourceDateEpoch()) {
      pb.environment().remove("SOURCE_DATE_EPOCH"); // it would override the layers' times
    }
    try {
      return new MksquashfsSink(pending, pb.start(), cmd);
    } catch (IOException e) {
      pending.close();
      throw new ToolException(
          MksquashfsTool.NAME,
          -1,
          "cannot start " + tool.executable() + ": " + e.getMessage(),
          MksquashfsTool.INSTALL_HINT,
          e);
    }
  }

  /** The command line mksquashfs was started with. */
  public List<String> command() {
    return List.copyOf(command);
  }

  @Override
  public void write(TarHeader header, InputStream content) throws IOException {
    long secs = header.mtime().seconds();
    long clamped = clamp(secs);
    if (clamped != secs) {
      timesClamped++;
    }
    // squashfs keeps whole seconds in 32 bits; a plain octal time also spares a PAX header
    TarHeader h =
        clamped == secs && header.mtime().nanos() == 0
            ? header
            : header.withMtime(Mtime.ofSeconds(clamped));
    try {
      tar.write(h, content);
    } catch (IOException e) {
      throw failureOr(e);
    }
  }

  private static long clamp(long seconds) {
    return Math.max(0, Math.min(MAX_SQUASHFS_TIME, seconds));
  }

  /** Entries whose mtime lay outside what squashfs can hold (1970 to 2106) and was clamped. */
  public long timesClamped() {
    return timesClamped;
  }

  @Override
  public List<String> warnings() {
    return timesClamped == 0
        ? List.of()
        : List.of(
            timesClamped
                + " entries had mtimes outside 1970..2106,"
                + " which squashfs cannot hold; they were clamped");
  }

  /** Bytes of tar handed to mksquashfs so far. */
  @Override
  public long bytesWritten() {
    return tar.bytesWritten();
  }

  /**
   * Ends the stream, waits for mksquashfs and moves the image into place.
   *
   * @return what mksquashfs printed on stdout (its summary)
   * @throws ToolException when mksquashfs fails; the partial image is then deleted by {@link
   *     #close()}
   * @throws StoppedException when a signal stopped the run meanwhile
   */
  @Override
  public String commit() throws IOException {
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
          MksquashfsTool.NAME, exit, "mksquashfs failed (exit " + exit + "): " + words(), null);
    }
    stopOnSignal.close();
    output.commit();
    return stdout.text();
  }

  private int waitFor() throws IOException {
    try {
      return process.waitFor();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IOException("interrupted while waiting for mksquashfs", e);
    }
  }

  /**
   * A write failed. When mksquashfs has exited, its own words explain it better than "Broken pipe".
   */
  private IOException failureOr(IOException writeError) {
    try {
      // a broken pipe shows only once mksquashfs has closed its end, which it does by exiting
      if (process.waitFor(500, TimeUnit.MILLISECONDS)) {
        return new ToolException(
            MksquashfsTool.NAME,
            process.exitValue(),
            "mksquashfs stopped reading (exit " + process.exitValue() + "): " + words(),
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

  /** Without a successful {@link #commit()}: stops mksquashfs and deletes the partial image. */
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
