package io.oci2squashfs.sink;

import io.oci2squashfs.exec.OutputTail;
import io.oci2squashfs.exec.ToolException;
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
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;

/**
 * Streams merged entries as one PAX tar into a spawned {@code mksquashfs - TMP -tar}, writing the
 * image beside {@code output} under a temporary name. {@link #commit()} waits for mksquashfs and
 * moves the image to {@code output}; {@link #close()} without a commit stops mksquashfs and deletes
 * the partial image, so a failed conversion leaves nothing behind.
 */
public final class MksquashfsSink implements OutputSink {
  private static final int STDIN_BUFFER = 1 << 20;
  // an entry written this long after the last flush is passed on with what is held (the merge
  // writes an entry every few milliseconds, except over a run of whiteouts or skipped entries)
  private static final Duration MAX_HOLD = Duration.ofMillis(100);
  private static final int TAIL_BYTES = 16 * 1024;
  private static final long MAX_SQUASHFS_TIME = 0xFFFF_FFFFL;

  private final Path output;
  private final Path partial;
  private final boolean replace;
  private final Process process;
  private final OutputStream stdin;
  private final PaxTarWriter tar;
  private final OutputTail stderr;
  private final OutputTail stdout;
  private final List<String> command;
  private final AbortOnExit onExit;
  private long timesClamped;
  private boolean done;

  private MksquashfsSink(Path output, Path partial, boolean replace, Process process, List<String> command) {
    this.output = output;
    this.partial = partial;
    this.replace = replace;
    this.process = process;
    this.command = command;
    this.stdin = new BufferedOutputStream(process.getOutputStream(), STDIN_BUFFER);
    this.tar = new PaxTarWriter(stdin, MAX_HOLD);
    this.stderr = new OutputTail(process.getErrorStream(), TAIL_BYTES, "mksquashfs-stderr");
    this.stdout = new OutputTail(process.getInputStream(), TAIL_BYTES, "mksquashfs-stdout");
    this.onExit = new AbortOnExit(this, "mksquashfs-abort", e -> {}); // Ctrl-C or SIGTERM: leave no partial image
  }

  /**
   * Starts mksquashfs.
   *
   * @param root the root directory's attributes (mksquashfs ignores a root entry in the stream)
   * @param replace whether {@code output} may be replaced if it exists when the image is done
   */
  public static MksquashfsSink start(MksquashfsTool tool, MksquashfsOptions options, Path output,
      TarHeader root, boolean replace) throws IOException {
    Path dir = output.toAbsolutePath().getParent();
    // a fresh name beside the output, so the final move is a rename; mksquashfs creates it (umask mode)
    Path partial = dir.resolve("." + output.getFileName() + "." + Long.toHexString(System.nanoTime())
        + Integer.toHexString(ThreadLocalRandom.current().nextInt()) + ".partial");
    List<String> cmd = new ArrayList<>(List.of(tool.executable().toString(), "-", partial.toString(), "-tar"));
    cmd.addAll(options.arguments());
    cmd.addAll(List.of("-root-mode", String.format("%04o", root.mode()),
        "-root-uid", Long.toString(root.uid()), "-root-gid", Long.toString(root.gid()),
        "-root-time", Long.toString(options.allTime() != null ? options.allTime() : clamp(root.mtime().seconds()))));
    // the -root-* options carry no xattrs; a pseudo definition on "/" does, hex-encoded byte for byte
    root.xattrs().forEach((name, value) -> cmd.addAll(List.of("-p", "/ x " + name + "=0x" + HexFormat.of().formatHex(value))));
    ProcessBuilder pb = new ProcessBuilder(cmd);
    if (!options.keepSourceDateEpoch()) {
      pb.environment().remove("SOURCE_DATE_EPOCH"); // it would override the layers' times
    }
    try {
      return new MksquashfsSink(output, partial, replace, pb.start(), cmd);
    } catch (IOException e) {
      throw new ToolException(MksquashfsTool.NAME, -1, "cannot start " + tool.executable() + ": "
          + e.getMessage(), MksquashfsTool.INSTALL_HINT, e);
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
    TarHeader h = clamped == secs && header.mtime().nanos() == 0
        ? header : header.withMtime(Mtime.ofSeconds(clamped));
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
    return timesClamped == 0 ? List.of() : List.of(timesClamped + " entries had mtimes outside 1970..2106,"
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
   * @throws ToolException when mksquashfs fails; the partial image is then deleted
   */
  @Override
  public synchronized String commit() throws IOException {
    if (done) {
      throw new IOException("the conversion was stopped; no image was written");
    }
    try {
      tar.finish();
      stdin.close();
    } catch (IOException e) {
      throw failureOr(e);
    }
    int exit = waitFor();
    if (exit != 0) {
      throw new ToolException(MksquashfsTool.NAME, exit, "mksquashfs failed (exit " + exit + "): "
          + words(), null);
    }
    try {
      moveIntoPlace();
    } catch (IOException e) {
      Files.deleteIfExists(partial);
      throw e;
    }
    done = true;
    onExit.forget();
    return stdout.text();
  }



  private void moveIntoPlace() throws IOException {
    if (!replace && Files.exists(output)) {
      throw new FileAlreadyExistsException(output.toString(), null, "it appeared while converting; not replaced");
    }
    try {
      Files.move(partial, output, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    } catch (AtomicMoveNotSupportedException e) {
      Files.move(partial, output, StandardCopyOption.REPLACE_EXISTING);
    }
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
        return new ToolException(MksquashfsTool.NAME, process.exitValue(), "mksquashfs stopped reading (exit "
            + process.exitValue() + "): " + words(), null, writeError);
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
  public synchronized void close() throws IOException {
    if (done) {
      return;
    }
    done = true;
    onExit.forget();
    // Its output is being thrown away: no need to be gentle. The whole tree, since a wrapper
    // script's children would otherwise live on and could write the partial file after its deletion.
    List<ProcessHandle> tree = new ArrayList<>(process.toHandle().descendants().toList());
    tree.add(process.toHandle());
    tree.forEach(ProcessHandle::destroyForcibly);
    try {
      for (ProcessHandle p : tree) {
        p.onExit().get(10, TimeUnit.SECONDS);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } catch (java.util.concurrent.ExecutionException | java.util.concurrent.TimeoutException e) {
      // gone or stuck: nothing more can be done; the file is deleted below either way
    } finally {
      try {
        stdin.close();
      } catch (IOException ignored) {
        // the child is gone; its pipe may already be broken
      }
      Files.deleteIfExists(partial);
    }
  }
}
