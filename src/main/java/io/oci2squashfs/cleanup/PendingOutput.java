package io.oci2squashfs.cleanup;

import java.io.Closeable;
import java.io.IOException;
import java.nio.file.AccessDeniedException;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.DirectoryStream;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.concurrent.ThreadLocalRandom;

/**
 * An output written under a temporary name beside its final one ({@code .NAME.<random>.partial}, so
 * that the final step is a rename within one directory) and either committed by that rename or
 * discarded: by {@link #close()} without a commit, or by the shutdown hook when a signal stops the
 * JVM first. Commit and discard exclude each other, and once the JVM is stopping nothing is
 * committed: a stopped run leaves the output path as it found it.
 *
 * <p>A file output replaces an existing file only when allowed; a directory output also replaces an
 * empty directory, and a non-empty one (when allowed) by moving it aside, renaming the new one in,
 * and deleting the old one.
 */
public final class PendingOutput implements Closeable {
  /** What the output is. */
  public enum Kind {
    FILE,
    DIRECTORY
  }

  private final Path output;
  private final Path partial;
  private final Kind kind;
  private final boolean replace;
  private final OnSignal.Registration onSignal;
  private boolean committed;
  private boolean discarded;

  private PendingOutput(Path output, Kind kind, boolean replace) throws IOException {
    if (OnSignal.stopping()) {
      throw new StoppedException();
    }
    this.output = output.toAbsolutePath();
    this.kind = kind;
    this.replace = replace;
    this.partial = temporaryName(this.output, "partial");
    this.onSignal = OnSignal.register(OnSignal.Stage.DISCARD_OUTPUTS, this::discard);
  }

  /**
   * A file output; the partial file is not created (a tool may create it). Call {@link #close()}
   * when done, committed or not.
   *
   * @param replace whether an existing file at {@code output} may be replaced
   */
  public static PendingOutput file(Path output, boolean replace) throws IOException {
    return new PendingOutput(output, Kind.FILE, replace);
  }

  /** A directory output; the partial directory is created, private (mode 0700). */
  public static PendingOutput directory(Path output, boolean replace) throws IOException {
    PendingOutput p = new PendingOutput(output, Kind.DIRECTORY, replace);
    try {
      Files.createDirectory(
          p.partial,
          PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
    } catch (IOException | RuntimeException e) {
      p.close();
      throw e;
    }
    return p;
  }

  /**
   * Fails early, before any work, when an output of {@code kind} cannot be written at {@code
   * output}: its directory is missing or not writable, or something is there that may not be
   * replaced (a file, unless {@code replace}; a directory where a file goes; for a directory
   * output, a non-empty directory unless {@code replace}, or a non-directory). {@link #commit()}
   * checks again, for what appeared meanwhile.
   *
   * @param what names the output in messages, e.g. "squashfs"
   */
  public static void checkWritable(Path output, Kind kind, boolean replace, String what)
      throws IOException {
    Path abs = output.toAbsolutePath();
    Path dir = abs.getParent();
    if (dir == null || !Files.isDirectory(dir)) {
      throw new NoSuchFileException(
          String.valueOf(dir), null, "the output's directory does not exist");
    }
    if (!Files.isWritable(dir)) {
      throw new AccessDeniedException(
          dir.toString(), null, "the output's directory is not writable");
    }
    if (!Files.exists(abs, LinkOption.NOFOLLOW_LINKS)) {
      return;
    }
    boolean isDirectory = Files.isDirectory(abs, LinkOption.NOFOLLOW_LINKS);
    if (kind == Kind.FILE && isDirectory) {
      throw new FileAlreadyExistsException(
          abs.toString(), null, "is a directory; give a file name for the " + what + " output");
    }
    if (kind == Kind.DIRECTORY && !isDirectory) {
      throw new FileAlreadyExistsException(abs.toString(), null, "exists and is not a directory");
    }
    if (!replace && !(kind == Kind.DIRECTORY && isEmptyDirectory(abs))) {
      throw new FileAlreadyExistsException(
          abs.toString(),
          null,
          kind == Kind.DIRECTORY
              ? "it exists and is not an empty directory; use --force to replace it"
              : "it exists; use --force to replace it");
    }
  }

  /** {@code .NAME.<random>.SUFFIX} beside {@code path}: hidden, and never another run's. */
  public static Path temporaryName(Path path, String suffix) {
    Path abs = path.toAbsolutePath();
    return abs.resolveSibling(
        "."
            + abs.getFileName()
            + "."
            + Long.toHexString(System.nanoTime())
            + Integer.toHexString(ThreadLocalRandom.current().nextInt())
            + "."
            + suffix);
  }

  /** Where the output is written until committed. */
  public Path partial() {
    return partial;
  }

  /** The final path. */
  public Path output() {
    return output;
  }

  /**
   * Renames the partial output to its final name.
   *
   * @throws StoppedException when the JVM is stopping or the output was discarded
   * @throws FileAlreadyExistsException when the output exists and may not be replaced (it appeared
   *     while writing)
   */
  public void commit() throws IOException {
    Path aside = null;
    synchronized (this) {
      if (discarded || OnSignal.stopping()) {
        throw new StoppedException();
      }
      if (committed) {
        return;
      }
      if (Files.exists(output, LinkOption.NOFOLLOW_LINKS)) {
        boolean emptyDirectory = kind == Kind.DIRECTORY && isEmptyDirectory(output);
        if (!replace && !emptyDirectory) {
          throw new FileAlreadyExistsException(
              output.toString(),
              null,
              kind == Kind.FILE
                  ? "it appeared while writing; use --force to replace it"
                  : "it exists and is not an empty directory; use --force to replace it");
        }
        if (kind == Kind.DIRECTORY && !emptyDirectory) {
          aside = temporaryName(output, "old");
          rename(output, aside); // rename(2) replaces only an empty directory
        }
      }
      try {
        rename(partial, output);
      } catch (IOException e) {
        if (aside != null) {
          rename(aside, output);
        }
        throw e;
      }
      committed = true;
    }
    onSignal.close();
    if (aside != null) {
      try (TemporaryPath old = TemporaryPath.of(aside)) {
        FileTrees.delete(aside);
      }
    }
  }

  /** Whether {@link #commit()} succeeded. */
  public synchronized boolean committed() {
    return committed;
  }

  /** Without a commit: deletes the partial output. */
  @Override
  public void close() throws IOException {
    onSignal.close();
    discard();
  }

  /**
   * Deletes the partial output unless committed. Not skipped when another thread discards it too:
   * the shutdown hook must not leave it to a run's thread that the JVM may halt half way.
   */
  private void discard() {
    synchronized (this) {
      if (committed) {
        return;
      }
      discarded = true;
    }
    FileTrees.deleteQuietly(partial);
  }

  private static void rename(Path from, Path to) throws IOException {
    try {
      Files.move(from, to, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    } catch (AtomicMoveNotSupportedException e) {
      Files.move(from, to, StandardCopyOption.REPLACE_EXISTING);
    }
  }

  private static boolean isEmptyDirectory(Path dir) throws IOException {
    if (!Files.isDirectory(dir, LinkOption.NOFOLLOW_LINKS)) {
      return false;
    }
    try (DirectoryStream<Path> s = Files.newDirectoryStream(dir)) {
      return !s.iterator().hasNext();
    }
  }
}
