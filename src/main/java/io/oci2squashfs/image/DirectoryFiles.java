package io.oci2squashfs.image;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;

/**
 * An image directory's files. Names may not lead outside it, neither by {@code ..} nor by symlink.
 */
final class DirectoryFiles implements ImageFiles {
  private final Path dir;

  /**
   * @param dir the image directory, absolute and normalised
   */
  DirectoryFiles(Path dir) {
    this.dir = dir;
  }

  @Override
  public Path location() {
    return dir;
  }

  @Override
  public boolean isArchive() {
    return false;
  }

  @Override
  public String resolve(String relative, String where) throws IOException {
    if (relative == null || relative.isEmpty()) {
      throw new ImageFormatException(where + ": empty path");
    }
    Path path;
    try {
      path = dir.getFileSystem().getPath(relative);
    } catch (InvalidPathException e) {
      throw new ImageFormatException(where + ": invalid path \"" + relative + "\"", e);
    }
    if (path.isAbsolute() || relative.startsWith("/") || relative.startsWith("\\")) {
      throw new ImageFormatException(where + ": absolute path \"" + relative + "\" not allowed");
    }
    Path resolved = dir.resolve(path).normalize();
    if (!resolved.startsWith(dir)) {
      throw new ImageFormatException(
          where + ": path \"" + relative + "\" leads outside the image directory");
    }
    if (Files.exists(resolved) && !resolved.toRealPath().startsWith(dir.toRealPath())) {
      throw new ImageFormatException(
          where
              + ": path \""
              + relative
              + "\" leads outside the image directory through a symlink");
    }
    return dir.relativize(resolved).toString();
  }

  @Override
  public boolean exists(String name) {
    return Files.exists(dir.resolve(name));
  }

  @Override
  public boolean isFile(String name) {
    return Files.isRegularFile(dir.resolve(name));
  }

  @Override
  public long size(String name) throws IOException {
    return Files.size(dir.resolve(name));
  }

  @Override
  public InputStream open(String name) throws IOException {
    return Files.newInputStream(dir.resolve(name));
  }

  @Override
  public Layer.Opener opener(String name) {
    Path file = dir.resolve(name);
    return () -> Files.newInputStream(file);
  }
}
