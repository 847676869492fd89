package io.oci2squashfs.exec;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** Finds a tool and asks it for its version, with one kind of error for every way that fails. */
public final class ToolVersions {
  private ToolVersions() {}

  /** A located tool and what its version option printed. */
  public record Answer(Path executable, String text) {}

  /**
   * Finds {@code nameOrPath} (a path, or a name looked up on PATH) and runs it with {@code
   * versionArgs}, returning what it printed on stdout and stderr together.
   *
   * @param tool the tool's name, as messages name it
   * @param hint how to install it
   * @throws ToolException when it is missing, does not run, or does not answer within 30 s
   */
  public static Answer ask(String tool, String nameOrPath, String hint, String... versionArgs)
      throws ToolException {
    Path exe = Executables.find(nameOrPath);
    if (exe == null) {
      throw new ToolException(
          tool,
          -1,
          tool
              + " not found (looked for '"
              + nameOrPath
              + "'"
              + (nameOrPath.contains("/") ? "" : " on PATH")
              + ")",
          hint);
    }
    List<String> cmd = new ArrayList<>(List.of(exe.toString()));
    cmd.addAll(List.of(versionArgs));
    try {
      Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
      p.getOutputStream().close();
      OutputTail tail = new OutputTail(p.getInputStream(), 4096, tool + "-version");
      if (!p.waitFor(30, TimeUnit.SECONDS)) {
        p.destroyForcibly();
        throw new ToolException(
            tool, -1, String.join(" ", cmd) + " did not answer within 30 s", hint);
      }
      return new Answer(exe, tail.text());
    } catch (IOException e) {
      throw new ToolException(tool, -1, "cannot run " + exe + ": " + e.getMessage(), hint, e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new ToolException(
          tool, -1, "interrupted while asking " + exe + " for its version", null, e);
    }
  }

  /** The first line of a tool's answer, for a message. */
  public static String firstLine(String s) {
    int nl = s.indexOf('\n');
    return nl < 0 ? s : s.substring(0, nl);
  }
}
