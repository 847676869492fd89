package io.oci2squashfs.sink;

import io.oci2squashfs.exec.ToolException;
import io.oci2squashfs.exec.ToolVersions;
import java.nio.file.Path;
import java.util.regex.Pattern;

/** A located mksquashfs of a version that reads tar input ({@code -tar}, 4.6 and later). */
public record MksquashfsTool(Path executable, String version) {
  static final String NAME = "mksquashfs";
  static final String INSTALL_HINT =
      "run scripts/setup as root, or install squashfs-tools 4.6 or newer (Debian 13, Ubuntu 24.04"
          + " and later ship it; on Debian 12: apt-get install -t trixie squashfs-tools with a"
          + " trixie source pinned low)";
  private static final Pattern VERSION =
      Pattern.compile("mksquashfs version (\\d+)\\.(\\d+)(?:\\.(\\d+))?");

  /**
   * Finds mksquashfs ({@code nameOrPath} a path, or a name looked up on PATH) and checks its
   * version.
   *
   * @throws ToolException when it is missing, does not run, or is older than 4.6
   */
  public static MksquashfsTool locate(String nameOrPath) throws ToolException {
    ToolVersions.Answer answer = ToolVersions.ask(nameOrPath, INSTALL_HINT, "-version");
    String version =
        ToolVersions.atLeast(
                NAME,
                answer,
                VERSION,
                "-version",
                4,
                6,
                "reading a tar stream (-tar)",
                INSTALL_HINT)
            .text();
    return new MksquashfsTool(answer.executable(), version);
  }
}
