package io.oci2squashfs.exec;

import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;

/** Finds executables the way a shell does. */
public final class Executables {
  private Executables() {}

  /**
   * Resolves {@code nameOrPath}: a name with a slash is taken as a path, a bare name is searched on
   * {@code PATH}. Returns null when nothing executable is found.
   */
  public static Path find(String nameOrPath) {
    if (nameOrPath.contains("/")) {
      Path p = Path.of(nameOrPath);
      return Files.isRegularFile(p) && Files.isExecutable(p) ? p.toAbsolutePath() : null;
    }
    String path = System.getenv("PATH");
    if (path == null) {
      return null;
    }
    for (String dir : path.split(File.pathSeparator)) {
      if (dir.isEmpty()) {
        continue;
      }
      Path p = Path.of(dir, nameOrPath);
      if (Files.isRegularFile(p) && Files.isExecutable(p)) {
        return p;
      }
    }
    return null;
  }
}
