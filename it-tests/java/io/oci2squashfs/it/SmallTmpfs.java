package io.oci2squashfs.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/** A small tmpfs mounted for one test (needs root): a full or read-only output filesystem. */
final class SmallTmpfs implements AutoCloseable {
  private final Path dir;

  private SmallTmpfs(Path dir) {
    this.dir = dir;
  }

  /**
   * Mounts a tmpfs of {@code size} (mount's syntax, {@code 1m}) on {@code dir}, read-only if asked.
   */
  static SmallTmpfs mount(Path dir, String size, boolean readOnly) throws Exception {
    assumeTrue("root".equals(System.getProperty("user.name")), "mounting a tmpfs needs root");
    Files.createDirectories(dir);
    run(
        "mount",
        "-t",
        "tmpfs",
        "-o",
        "size=" + size + (readOnly ? ",ro" : ""),
        "tmpfs",
        dir.toString());
    return new SmallTmpfs(dir);
  }

  Path dir() {
    return dir;
  }

  @Override
  public void close() throws Exception {
    run("umount", dir.toString());
  }

  private static void run(String... cmd) throws IOException, InterruptedException {
    Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertEquals(0, p.waitFor(), String.join(" ", List.of(cmd)) + ": " + out);
  }
}
