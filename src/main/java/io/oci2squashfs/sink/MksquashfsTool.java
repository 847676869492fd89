package io.oci2squashfs.sink;

import io.oci2squashfs.exec.Executables;
import io.oci2squashfs.exec.OutputTail;
import io.oci2squashfs.exec.ToolException;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
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
    Path exe = Executables.find(nameOrPath);
    if (exe == null) {
      throw new ToolException(
          NAME,
          -1,
          "mksquashfs not found (looked for '"
              + nameOrPath
              + "'"
              + (nameOrPath.contains("/") ? "" : " on PATH")
              + ")",
          INSTALL_HINT);
    }
    String out;
    try {
      Process p =
          new ProcessBuilder(List.of(exe.toString(), "-version")).redirectErrorStream(true).start();
      p.getOutputStream().close();
      OutputTail tail = new OutputTail(p.getInputStream(), 4096, "mksquashfs-version");
      if (!p.waitFor(30, TimeUnit.SECONDS)) {
        p.destroyForcibly();
        throw new ToolException(
            NAME, -1, exe + " -version did not answer within 30 s", INSTALL_HINT);
      }
      out = tail.text();
    } catch (IOException e) {
      throw new ToolException(
          NAME, -1, "cannot run " + exe + ": " + e.getMessage(), INSTALL_HINT, e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new ToolException(
          NAME, -1, "interrupted while asking " + exe + " for its version", null, e);
    }
    Matcher m = VERSION.matcher(out);
    if (!m.find()) {
      throw new ToolException(
          NAME,
          -1,
          exe + " does not look like mksquashfs: -version printed '" + firstLine(out) + "'",
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

  private static String firstLine(String s) {
    int nl = s.indexOf('\n');
    return nl < 0 ? s : s.substring(0, nl);
  }
}
