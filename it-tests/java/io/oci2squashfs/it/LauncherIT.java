package io.oci2squashfs.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The README's first command as a newcomer runs it, on a machine that lacks a tool: the real
 * launcher, from a copy of the repository with the jar already built, under a PATH that holds every
 * program of this machine but the missing ones. As root it must run setup (a stand-in here, which
 * "installs" by linking the real tool in) and then convert; as a user who may not install it must
 * print the command to run. Never exit without a word: it once exited 127 silently when mksquashfs
 * was missing, because 'set -e' ended it inside the version check (found from outside, issue 15).
 */
class LauncherIT {
  private static final Path REPO = Path.of("").toAbsolutePath();
  private static final int NOBODY = 65534;

  @TempDir Path tmp;

  private Path repo;
  private Path bin;

  record Run(int code, String err) {}

  @BeforeAll
  static void tools() {
    Tools.require("mksquashfs", "setpriv", "shellcheck");
    assertTrue(
        Files.isRegularFile(REPO.resolve("target/oci2squashfs.jar")),
        "the jar is built before the end-to-end tests");
  }

  /** A copy of the repository as a clone with a built jar looks, readable by anyone. */
  @BeforeEach
  void copyRepository() throws IOException {
    Files.setPosixFilePermissions(tmp, PosixFilePermissions.fromString("rwxr-xr-x"));
    repo = tmp.resolve("repo");
    copyTree(REPO.resolve("scripts"), repo.resolve("scripts"));
    copyTree(REPO.resolve("examples"), repo.resolve("examples"));
    Files.createDirectories(repo.resolve("src/main"));
    Files.copy(REPO.resolve("pom.xml"), repo.resolve("pom.xml"));
    Files.createDirectories(repo.resolve("target"));
    Files.copy(REPO.resolve("target/oci2squashfs.jar"), repo.resolve("target/oci2squashfs.jar"));
    // the sources are older than the jar, so the launcher does not rebuild it
    FileTime old = FileTime.fromMillis(0);
    Files.setLastModifiedTime(repo.resolve("pom.xml"), old);
    Files.setLastModifiedTime(repo.resolve("src/main"), old);
    bin = Files.createDirectory(tmp.resolve("bin"));
    Files.setPosixFilePermissions(bin, PosixFilePermissions.fromString("rwxrwxrwx"));
    Path out = Files.createDirectory(tmp.resolve("out"));
    Files.setPosixFilePermissions(out, PosixFilePermissions.fromString("rwxrwxrwx"));
  }

  @Test
  void asRootWithoutMksquashfsRunsSetupThenConverts() throws Exception {
    assumeTrue(isRoot(), "needs root");
    pathWithout("mksquashfs", "unsquashfs");
    Path mksquashfs = Path.of(Tools.path("mksquashfs"));
    Path setup =
        script(
            "fake-setup",
            "echo 'setup: installing squashfs-tools (stand-in)'\n"
                + "ln -s "
                + mksquashfs
                + " "
                + bin.resolve("mksquashfs")
                + "\n");
    Run r =
        launcher(
            setup,
            false,
            "convert",
            "--image",
            repo.resolve("examples/demo-image").toString(),
            "--output",
            tmp.resolve("out/demo.squashfs").toString());
    assertEquals(0, r.code(), r.err());
    assertTrue(
        r.err().contains("mksquashfs 4.6 or newer (found: none) is missing; running " + setup),
        r.err());
    assertTrue(r.err().contains("setup: installing squashfs-tools (stand-in)"), r.err());
    assertTrue(r.err().contains("wrote " + tmp.resolve("out/demo.squashfs")), r.err());
    SquashfsContents.read(tmp.resolve("out/demo.squashfs"))
        .file("etc/hostname", "hostname changed in layer 2\n");
  }

  @Test
  void asRootWhenSetupFailsSaysSoAndFails() throws Exception {
    assumeTrue(isRoot(), "needs root");
    pathWithout("mksquashfs", "unsquashfs");
    Path setup = script("fake-setup", "echo 'setup: no network (stand-in)' >&2\nexit 1\n");
    Run r =
        launcher(
            setup,
            false,
            "convert",
            "-i",
            repo.resolve("examples/demo-image").toString(),
            "-o",
            tmp.resolve("out/demo.squashfs").toString());
    assertEquals(1, r.code(), r.err());
    assertTrue(r.err().contains("setup: no network (stand-in)"), r.err());
    assertTrue(r.err().contains(setup + " could not install mksquashfs 4.6 or newer"), r.err());
    assertNoOutput();
  }

  @Test
  void asUserWithoutMksquashfsPrintsTheCommandToRun() throws Exception {
    pathWithout("mksquashfs", "unsquashfs", "sudo");
    Run r =
        launcher(
            null,
            true,
            "convert",
            "-i",
            repo.resolve("examples/demo-image").toString(),
            "-o",
            tmp.resolve("out/demo.squashfs").toString());
    assertEquals(1, r.code(), r.err());
    assertTrue(
        r.err().contains("mksquashfs 4.6 or newer (found: none) is missing. Install it with:"),
        r.err());
    assertTrue(r.err().contains(repo.resolve("scripts/setup").toString()), r.err());
    assertNoOutput();
  }

  @Test
  void asUserErofsNeedsMkfsErofsNotMksquashfs() throws Exception {
    pathWithout("mksquashfs", "unsquashfs", "mkfs.erofs", "sudo");
    script("bin/mkfs.erofs", "echo 'mkfs.erofs 1.5'\n"); // bookworm's: no version line we know
    Run r =
        launcher(
            null,
            true,
            "convert",
            "-i",
            repo.resolve("examples/demo-image").toString(),
            "-o",
            tmp.resolve("out/demo.erofs").toString(),
            "--verity");
    assertEquals(1, r.code(), r.err());
    assertTrue(r.err().contains("mkfs.erofs 1.7 or newer (found: none) is missing"), r.err());
    assertTrue(!r.err().contains("mksquashfs"), "an erofs output needs no mksquashfs: " + r.err());
    assertNoOutput();
  }

  @Test
  void asUserWithAnOldMksquashfsSaysWhichVersionItFound() throws Exception {
    pathWithout("mksquashfs", "unsquashfs", "sudo");
    script("bin/mksquashfs", "echo 'mksquashfs version 4.5.1 (2022/03/17)'\n");
    Run r =
        launcher(
            null,
            true,
            "convert",
            "-i",
            repo.resolve("examples/demo-image").toString(),
            "-o",
            tmp.resolve("out/demo.squashfs").toString());
    assertEquals(1, r.code(), r.err());
    assertTrue(r.err().contains("mksquashfs 4.6 or newer (found: 4.5.1) is missing"), r.err());
    assertNoOutput();
  }

  @Test
  void asUserWithoutJavaPrintsTheCommandToRun() throws Exception {
    pathWithout("java", "sudo");
    Run r =
        launcher(
            null,
            true,
            "convert",
            "-i",
            repo.resolve("examples/demo-image").toString(),
            "-o",
            tmp.resolve("out/demo.squashfs").toString());
    assertEquals(1, r.code(), r.err());
    assertTrue(
        r.err().contains("Java 17 or newer (found: none) is missing. Install it with:"), r.err());
    assertNoOutput();
  }

  @Test
  void asUserVerifyWithoutAnyImageReaderPrintsTheCommandToRun() throws Exception {
    pathWithout("squashfuse_ll", "unsquashfs", "sudo");
    Run r =
        launcher(
            null, true, "verify", "-s", tmp.resolve("x.squashfs").toString(), "-r", tmp.toString());
    assertEquals(1, r.code(), r.err());
    assertTrue(
        r.err().contains("squashfuse or unsquashfs (to read the image) is missing"), r.err());
  }

  @Test
  void scriptsPassShellcheck() throws Exception {
    List<String> cmd = new ArrayList<>(List.of(Tools.path("shellcheck"), "--severity=style"));
    try (Stream<Path> s = Files.list(REPO.resolve("scripts"))) {
      s.sorted().forEach(p -> cmd.add(p.toString()));
    }
    cmd.add(REPO.resolve(".ci/run").toString());
    try (Stream<Path> s = Files.list(REPO.resolve("it-tests"))) {
      s.filter(p -> p.toString().endsWith(".sh")).sorted().forEach(p -> cmd.add(p.toString()));
    }
    Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
    String said = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertTrue(p.waitFor(120, TimeUnit.SECONDS));
    assertEquals(0, p.exitValue(), said);
    assertEquals("", said);
  }

  /** Links every program on this machine's PATH into {@code bin}, but {@code missing}. */
  private void pathWithout(String... missing) throws IOException {
    Set<String> skip = Set.of(missing);
    for (String dir : System.getenv("PATH").split(":")) {
      Path d = Path.of(dir);
      if (!Files.isDirectory(d)) {
        continue;
      }
      try (Stream<Path> s = Files.list(d)) {
        for (Path f : s.toList()) {
          Path link = bin.resolve(f.getFileName().toString());
          if (!skip.contains(f.getFileName().toString())
              && !Files.exists(link, java.nio.file.LinkOption.NOFOLLOW_LINKS)
              && Files.isExecutable(f)) {
            Files.createSymbolicLink(link, f);
          }
        }
      }
    }
  }

  /** Runs the copied launcher with PATH = {@code bin}; as nobody when {@code unprivileged}. */
  private Run launcher(Path setup, boolean unprivileged, String... args) throws Exception {
    List<String> cmd = new ArrayList<>();
    if (unprivileged) {
      cmd.addAll(
          List.of(
              Tools.path("setpriv"), "--reuid=" + NOBODY, "--regid=" + NOBODY, "--clear-groups"));
    }
    cmd.add(repo.resolve("scripts/oci2squashfs").toString());
    cmd.addAll(List.of(args));
    ProcessBuilder pb = new ProcessBuilder(cmd).redirectOutput(ProcessBuilder.Redirect.DISCARD);
    pb.environment().put("PATH", bin.toString());
    pb.environment().remove("OCI2SQUASHFS_JAVA_OPTS");
    if (setup != null) {
      pb.environment().put("OCI2SQUASHFS_SETUP", setup.toString());
    }
    Process p = pb.start();
    String err = new String(p.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
    assertTrue(p.waitFor(300, TimeUnit.SECONDS), "the launcher finishes");
    assertFalse(err.isBlank(), "the launcher says something (exit " + p.exitValue() + ")");
    return new Run(p.exitValue(), err);
  }

  private void assertNoOutput() throws IOException {
    try (Stream<Path> s = Files.list(tmp.resolve("out"))) {
      assertEquals(List.of(), s.toList(), "nothing written");
    }
  }

  private Path script(String name, String body) throws IOException {
    Path s = tmp.resolve(name);
    Files.writeString(s, "#!/bin/sh\n" + body);
    Files.setPosixFilePermissions(s, PosixFilePermissions.fromString("rwxr-xr-x"));
    return s;
  }

  private static boolean isRoot() throws Exception {
    Process p = new ProcessBuilder("id", "-u").start();
    String id = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
    p.waitFor();
    return id.equals("0");
  }

  private static void copyTree(Path from, Path to) throws IOException {
    try (Stream<Path> s = Files.walk(from)) {
      for (Path p : s.toList()) {
        Path target = to.resolve(from.relativize(p).toString());
        if (Files.isDirectory(p, java.nio.file.LinkOption.NOFOLLOW_LINKS)) {
          Files.createDirectories(target);
        } else {
          Files.copy(
              p,
              target,
              java.nio.file.StandardCopyOption.COPY_ATTRIBUTES,
              java.nio.file.LinkOption.NOFOLLOW_LINKS);
        }
      }
    }
  }
}
