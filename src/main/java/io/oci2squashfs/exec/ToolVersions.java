package io.oci2squashfs.exec;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Finds a tool and asks it for its version, with one kind of error for every way that fails. */
public final class ToolVersions {
  private ToolVersions() {}

  /** A located tool and what its version option printed. */
  public record Answer(Path executable, String text) {}

  /**
   * Finds {@code nameOrPath} (a path, or a name looked up on PATH) and runs it with {@code
   * versionArgs}, returning what it printed on stdout and stderr together.
   *
   * @param hint how to install it
   * @throws ToolException when it is missing, does not run, or does not answer within 30 s
   */
  public static Answer ask(String nameOrPath, String hint, String... versionArgs)
      throws ToolException {
    Path exe = Commands.require(nameOrPath, hint);
    List<String> cmd = new ArrayList<>(List.of(exe.toString()));
    cmd.addAll(List.of(versionArgs));
    Commands.Result r = Commands.run(cmd, 30);
    // some tools print their version on stderr
    return new Answer(exe, r.stdout().isEmpty() ? r.stderr() : r.stdout() + "\n" + r.stderr());
  }

  /**
   * A tool's version: its numbers, and the whole text (with any build suffix, e.g. {@code
   * 1.8.6-oci2squashfs1}).
   */
  public record Version(int major, int minor, String text) {}

  /**
   * Reads the version from a tool's answer and checks it is new enough.
   *
   * @param pattern finds the version: groups major, minor, optional patch, optional suffix
   * @param option the version option, as the message names it
   * @param why what needs the minimum version, as the message says it
   * @throws ToolException when the answer holds no version, or an older one
   */
  public static Version atLeast(
      String tool,
      Answer answer,
      Pattern pattern,
      String option,
      int major,
      int minor,
      String why,
      String hint)
      throws ToolException {
    Matcher m = pattern.matcher(answer.text());
    if (!m.find()) {
      throw new ToolException(
          tool,
          -1,
          answer.executable()
              + " does not look like "
              + tool
              + ": "
              + option
              + " printed '"
              + firstLine(answer.text())
              + "'",
          hint);
    }
    int foundMajor = Integer.parseInt(m.group(1));
    int foundMinor = Integer.parseInt(m.group(2));
    String numbers = m.group(1) + "." + m.group(2) + (m.group(3) == null ? "" : "." + m.group(3));
    if (foundMajor < major || (foundMajor == major && foundMinor < minor)) {
      throw new ToolException(
          tool,
          -1,
          answer.executable()
              + " is version "
              + numbers
              + "; "
              + why
              + " needs "
              + major
              + "."
              + minor
              + " or newer",
          hint);
    }
    String suffix = m.groupCount() >= 4 && m.group(4) != null ? m.group(4) : "";
    return new Version(foundMajor, foundMinor, numbers + suffix);
  }

  /** The first line of a tool's answer, for a message. */
  public static String firstLine(String s) {
    int nl = s.indexOf('\n');
    return nl < 0 ? s : s.substring(0, nl);
  }
}
