package io.oci2squashfs.it;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** What a failed or interrupted run may not leave: processes or mounts naming its files. */
final class Leftovers {
  private Leftovers() {}

  /**
   * Fails if a process's command line or a mount point names {@code path}. A process being torn
   * down may linger for a moment, so processes get a few seconds to go.
   */
  static void assertNone(Path path) throws Exception {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
    List<String> procs = describe(processesNaming(path));
    while (!procs.isEmpty() && System.nanoTime() < deadline) {
      Thread.sleep(50);
      procs = describe(processesNaming(path));
    }
    assertEquals(List.of(), procs, "processes left naming " + path);
    assertEquals(List.of(), mountsUnder(path), "mounts left under " + path);
  }

  /** Live processes, other than this JVM, whose command line holds {@code path}. */
  static List<ProcessHandle> processesNaming(Path path) {
    String needle = path.toAbsolutePath().toString();
    long self = ProcessHandle.current().pid();
    List<ProcessHandle> found = new ArrayList<>();
    ProcessHandle.allProcesses()
        .filter(p -> p.pid() != self)
        .forEach(
            p -> {
              String cmd = cmdline(p.pid());
              if (cmd.contains(needle)) {
                found.add(p);
              }
            });
    return found;
  }

  /**
   * Mount points below {@code path} (from /proc/self/mountinfo); a test's own mount on it is not
   * counted.
   */
  static List<String> mountsUnder(Path path) throws IOException {
    String prefix = path.toAbsolutePath().toString();
    List<String> found = new ArrayList<>();
    for (String line : Files.readAllLines(Path.of("/proc/self/mountinfo"))) {
      String point = line.split(" ")[4].replace("\\040", " ");
      if (point.startsWith(prefix + "/")) {
        found.add(point);
      }
    }
    return found;
  }

  static String cmdline(long pid) {
    try {
      return new String(
              Files.readAllBytes(Path.of("/proc/" + pid + "/cmdline")), StandardCharsets.UTF_8)
          .replace('\0', ' ');
    } catch (IOException e) {
      return ""; // gone meanwhile
    }
  }

  private static List<String> describe(List<ProcessHandle> ps) {
    return ps.stream()
        .filter(ProcessHandle::isAlive)
        .map(p -> p.pid() + " " + cmdline(p.pid()))
        .toList();
  }
}
