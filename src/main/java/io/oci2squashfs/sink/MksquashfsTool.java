package io.oci2squashfs.sink;

import io.oci2squashfs.exec.ToolException;
import io.oci2squashfs.exec.ToolVersions;
import java.nio.file.Path;
import java.util.regex.Matcher;
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
    ToolVersions.Answer answer = ToolVersions.ask(NAME, nameOrPath, INSTALL_HINT, "-version");
    Path exe = answer.executable();
    Matcher m = VERSION.matcher(answer.text());
    if (!m.find()) {
      throw new ToolException(
          NAME,
          -1,
          exe
              + " does not look like mksquashfs: -version printed '"
              + ToolVersions.firstLine(answer.text())
              + "'",
          INSTALL_HINT);
    }
    int major = Integer.parseInt(m.group(1));
    int minor = Integer.parseInt(m.group(2));
    String version = m.group(1) + "." + m.group(2) + (m.group(3) == null ? "" : "." + m.group(3));
    if (major < 4 || (major == 4 && minor < 6)) {
      throw new ToolException(
          NAME,
          -1,
          exe + " is version " + version + "; reading a tar stream (-tar) needs 4.6 or newer",
          INSTALL_HINT);
    }
    return new MksquashfsTool(exe, version);
  }
}
