package io.oci2squashfs.cleanup;

import java.io.Closeable;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;

/**
 * A temporary file or directory that {@link #close()} deletes with everything in it, and that the
 * shutdown hook deletes if a signal stops the JVM first. Symlinks inside are removed, never
 * followed.
 */
public final class TemporaryPath implements Closeable {
  private final Path path;
  private final OnSignal.Registration onSignal;

  private TemporaryPath(Path path) {
    this.path = path;
    this.onSignal =
        OnSignal.register(OnSignal.Stage.DELETE_TEMPORARY, () -> FileTrees.deleteQuietly(path));
  }

  /** Takes charge of {@code path}, which may or may not exist yet. */
  public static TemporaryPath of(Path path) {
    return new TemporaryPath(path);
  }

  /**
   * A new private directory (mode 0700) in {@code parent}, or in {@code java.io.tmpdir} when null.
   */
  public static TemporaryPath directory(Path parent, String prefix) throws IOException {
    if (OnSignal.stopping()) {
      throw new StoppedException();
    }
    var privateDir =
        PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------"));
    Path dir =
        parent == null
            ? Files.createTempDirectory(prefix, privateDir)
            : Files.createTempDirectory(parent, prefix, privateDir);
    return new TemporaryPath(dir);
  }

  /** A new private file (mode 0600) in {@code java.io.tmpdir}. */
  public static TemporaryPath file(String prefix, String suffix) throws IOException {
    if (OnSignal.stopping()) {
      throw new StoppedException();
    }
    return new TemporaryPath(Files.createTempFile(prefix, suffix));
  }

  public Path path() {
    return path;
  }

  @Override
  public void close() throws IOException {
    onSignal.close();
    FileTrees.delete(path);
  }
}
