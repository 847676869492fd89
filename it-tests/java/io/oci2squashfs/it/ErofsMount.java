package io.oci2squashfs.it;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** Reads an erofs image as the kernel presents it: mounted read-only from a loop device. */
final class ErofsMount {
  private ErofsMount() {}

  /** Mounts {@code image} on {@code mountPoint} (made if missing), reads the tree, unmounts. */
  static TreeSnapshot read(Path image, Path mountPoint) throws IOException, InterruptedException {
    Files.createDirectories(mountPoint);
    TreeSnapshot.run(
        "mount", "-t", "erofs", "-o", "loop,ro", image.toString(), mountPoint.toString());
    try {
      return TreeSnapshot.ofDirectory(mountPoint);
    } finally {
      TreeSnapshot.run("umount", "-d", mountPoint.toString());
    }
  }
}
