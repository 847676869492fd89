package io.oci2squashfs.cleanup;

import java.io.IOException;
import java.nio.file.DirectoryNotEmptyException;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.concurrent.TimeUnit;

/** Deletes a file or a directory tree: the one recursive delete of the project. */
public final class FileTrees {
  /** How long a delete goes on while another thread still adds files to the tree. */
  private static final long RETRY_MILLIS = 1500;

  private FileTrees() {}

  /**
   * Deletes {@code root} and all below it, never following a symlink, making directories writable
   * first (an extracted image has read-only ones). Nothing there is not an error. A directory is
   * renamed aside first; should another thread still manage to write into it (a run being stopped),
   * the delete is retried for a while.
   */
  public static void delete(Path root) throws IOException {
    delete(root, OnSignal.inHook()); // in the hook, the run's own threads may still write below it
  }

  /** {@link #delete}, renaming a directory aside first when {@code renameFirst}. */
  static void delete(Path root, boolean renameFirst) throws IOException {
    if (renameFirst) {
      root = aside(root);
    }
    long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(RETRY_MILLIS);
    while (true) {
      try {
        deleteOnce(root);
        return;
      } catch (DirectoryNotEmptyException e) {
        if (System.nanoTime() > deadline) {
          throw e;
        }
      }
    }
  }

  /**
   * In the shutdown hook, a directory is first renamed out of the way (one atomic step), so that a
   * run's thread still writing below its old name fails at once instead of racing the delete; where
   * that cannot be done, it is deleted where it is. Elsewhere it is deleted where it is, so that
   * the hook, should a signal halt that delete half way, still finds it under its own name.
   */
  private static Path aside(Path root) {
    if (!Files.isDirectory(root, LinkOption.NOFOLLOW_LINKS)) {
      return root;
    }
    Path tombstone = PendingOutput.temporaryName(root, "deleting");
    try {
      Files.move(root, tombstone, StandardCopyOption.ATOMIC_MOVE);
      return tombstone;
    } catch (IOException | UnsupportedOperationException e) {
      return root;
    }
  }

  /**
   * {@link #delete}, telling standard error when it fails: for shutdown hooks, which cannot throw.
   */
  public static void deleteQuietly(Path root) {
    try {
      delete(root);
    } catch (IOException e) {
      System.err.println("oci2squashfs: could not remove " + root + ": " + e.getMessage());
    }
  }

  private static void deleteOnce(Path root) throws IOException {
    if (!Files.exists(root, LinkOption.NOFOLLOW_LINKS)) {
      return;
    }
    if (!Files.isDirectory(root, LinkOption.NOFOLLOW_LINKS)) {
      Files.deleteIfExists(root);
      return;
    }
    Files.walkFileTree(
        root,
        new SimpleFileVisitor<>() {
          @Override
          public FileVisitResult preVisitDirectory(Path d, BasicFileAttributes attrs)
              throws IOException {
            try {
              Files.setAttribute(d, "unix:mode", 0700, LinkOption.NOFOLLOW_LINKS);
            } catch (NoSuchFileException e) {
              return FileVisitResult.SKIP_SUBTREE; // gone meanwhile
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
              return FileVisitResult.CONTINUE; // gone meanwhile
            }
            throw e;
          }

          @Override
          public FileVisitResult postVisitDirectory(Path d, IOException e) throws IOException {
            if (e != null && !(e instanceof NoSuchFileException)) {
              throw e;
            }
            Files.deleteIfExists(d);
            return FileVisitResult.CONTINUE;
          }
        });
  }
}
