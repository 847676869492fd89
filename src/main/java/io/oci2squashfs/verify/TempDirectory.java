package io.oci2squashfs.verify;

import java.io.Closeable;
import java.io.IOException;
import java.nio.file.AccessDeniedException;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.PosixFilePermissions;

/**
 * A private temporary directory that {@link #close()} removes with everything in it, also when the
 * JVM is stopped (Ctrl-C, SIGTERM) through a shutdown hook. Symlinks inside are removed, never
 * followed.
 */
final class TempDirectory implements Closeable {
  private final Path dir;
  private final Thread hook;
  private boolean closed;

  private TempDirectory(Path dir) {
    this.dir = dir;
    this.hook = new Thread(this::deleteQuietly, "verify-tempdir-cleanup");
    Runtime.getRuntime().addShutdownHook(hook);
  }

  /** Creates a new directory, mode 0700, under {@code java.io.tmpdir}. */
  static TempDirectory create(String prefix) throws IOException {
    Path dir = Files.createTempDirectory(prefix,
        PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
    try {
      return new TempDirectory(dir);
    } catch (IllegalStateException e) { // the JVM is shutting down: no hook can be added
      Files.deleteIfExists(dir);
      throw new IOException("stopped: the JVM is shutting down", e);
    }
  }

  Path path() {
    return dir;
  }

  @Override
  public synchronized void close() throws IOException {
    if (closed) {
      return;
    }
    closed = true;
    try {
      Runtime.getRuntime().removeShutdownHook(hook);
    } catch (IllegalStateException e) {
      // the JVM is shutting down; the hook runs anyway
    }
    deleteRecursively(dir);
  }

  private void deleteQuietly() {
    try {
      deleteRecursively(dir);
    } catch (IOException e) {
      System.err.println("oci2squashfs: could not remove " + dir + ": " + e.getMessage());
    }
  }

  /** Deletes {@code root} and all below it, making unwritable directories writable first. */
  static void deleteRecursively(Path root) throws IOException {
    if (!Files.exists(root, java.nio.file.LinkOption.NOFOLLOW_LINKS)) {
      return;
    }
    Files.walkFileTree(root, new SimpleFileVisitor<>() {
      @Override
      public FileVisitResult preVisitDirectory(Path d, BasicFileAttributes attrs) throws IOException {
        if (!Files.isWritable(d) || !Files.isExecutable(d)) {
          Files.setPosixFilePermissions(d, PosixFilePermissions.fromString("rwx------"));
        }
        return FileVisitResult.CONTINUE;
      }

      @Override
      public FileVisitResult visitFile(Path f, BasicFileAttributes attrs) throws IOException {
        Files.deleteIfExists(f);
        return FileVisitResult.CONTINUE;
      }

      @Override
      public FileVisitResult visitFileFailed(Path f, IOException e) throws IOException {
        if (e instanceof NoSuchFileException) {
          return FileVisitResult.CONTINUE;
        }
        if (e instanceof AccessDeniedException) {
          Files.setPosixFilePermissions(f, PosixFilePermissions.fromString("rwx------"));
          deleteRecursively(f);
          return FileVisitResult.CONTINUE;
        }
        throw e;
      }

      @Override
      public FileVisitResult postVisitDirectory(Path d, IOException e) throws IOException {
        if (e != null) {
          throw e;
        }
        Files.deleteIfExists(d);
        return FileVisitResult.CONTINUE;
      }
    });
  }
}
