package io.oci2squashfs.sink;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;

/** Writes small shell scripts that stand in for mksquashfs in tests. */
final class FakeMksquashfs {
  private FakeMksquashfs() {}

  /**
   * A fake that answers {@code -version} with {@code version} and otherwise runs {@code body}
   * ({@code $2} is the output path, stdin the tar).
   */
  static Path write(Path dir, String version, String body) throws IOException {
    Path script = dir.resolve("mksquashfs-" + Math.abs(body.hashCode()));
    Files.writeString(
        script,
        "#!/bin/bash\n"
            + "if [ \"$1\" = -version ]; then echo 'mksquashfs version "
            + version
            + " (2023/03/25)'; exit 0; fi\n"
            + body
            + "\n");
    Files.setPosixFilePermissions(script, PosixFilePermissions.fromString("rwxr-xr-x"));
    return script;
  }
}
