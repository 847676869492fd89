package io.oci2squashfs.sink;

import io.oci2squashfs.exec.ToolException;
import io.oci2squashfs.exec.ToolVersions;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A located mkfs.erofs of a version that reads a tar on standard input ({@code --tar=f}, 1.7 and
 * later), with the compressors it was built with.
 *
 * @param version e.g. {@code 1.8.6}
 * @param compressors what its {@code --version} lists as available, e.g. lz4, lz4hc, zstd
 */
public record MkfsErofsTool(Path executable, String version, List<String> compressors) {
  static final String NAME = "mkfs.erofs";
  static final String INSTALL_HINT =
      "run scripts/setup as root, or install erofs-utils 1.7 or newer (Debian 13 and Ubuntu 24.04"
          + " ship it; on Debian 12 scripts/setup builds 1.8.6 from Debian's source)";
  private static final Pattern VERSION =
      Pattern.compile("mkfs\\.erofs \\(erofs-utils\\) (\\d+)\\.(\\d+)(?:\\.(\\d+))?(\\S*)");
  private static final Pattern COMPRESSORS = Pattern.compile("available compressors: ([^\\n]*)");

  public MkfsErofsTool {
    compressors = List.copyOf(compressors);
  }

  /**
   * Finds mkfs.erofs ({@code nameOrPath} a path, or a name looked up on PATH) and checks its
   * version.
   *
   * @throws ToolException when it is missing, does not run, or is older than 1.7
   */
  public static MkfsErofsTool locate(String nameOrPath) throws ToolException {
    ToolVersions.Answer answer = ToolVersions.ask(nameOrPath, INSTALL_HINT, "--version");
    String version =
        ToolVersions.atLeast(
                NAME,
                answer,
                VERSION,
                "--version",
                1,
                7,
                "reading a tar stream (--tar=f)",
                INSTALL_HINT)
            .text();
    Matcher c = COMPRESSORS.matcher(answer.text());
    List<String> compressors =
        c.find() ? Arrays.asList(c.group(1).trim().split("\\s*,\\s*")) : List.of("lz4", "lz4hc");
    return new MkfsErofsTool(answer.executable(), version, compressors);
  }

  /**
   * Whether this is the build scripts/setup makes ({@code 1.8.6-oci2squashfs1}), whose tar reader
   * keeps device minors with bit 19 set.
   */
  boolean fixedDeviceNumbers() {
    return version.contains("oci2squashfs");
  }

  /** Whether {@code -z} takes {@code ALG,level=N} (1.8 and later) rather than {@code ALG,N}. */
  boolean namedLevels() {
    String[] v = version.split("\\.");
    return Integer.parseInt(v[0]) > 1 || Integer.parseInt(v[1]) >= 8;
  }

  /**
   * Checks that this mkfs.erofs can write {@code c}.
   *
   * @throws ToolException naming the compressors it has
   */
  public void check(ErofsCompression c) throws ToolException {
    if (!c.algorithm().equals("none") && !compressors.contains(c.algorithm())) {
      throw new ToolException(
          NAME,
          -1,
          executable
              + " (erofs-utils "
              + version
              + ") was built without "
              + c.algorithm()
              + "; it has "
              + String.join(", ", compressors),
          INSTALL_HINT);
    }
  }
}
