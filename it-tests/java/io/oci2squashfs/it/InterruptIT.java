package io.oci2squashfs.it;

import static io.oci2squashfs.testing.LayerBuilder.layer;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import io.oci2squashfs.cli.Main;
import io.oci2squashfs.layer.MediaTypes;
import io.oci2squashfs.testing.ImageLayoutBuilder;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Ctrl-C and SIGTERM in the middle of a conversion and of a verify, sent to the real launcher jar
 * in its own JVM: it must exit 130 or 143 and leave no output, no temporary file, no mount and no
 * child process. Each run is held at a known point by a stand-in tool that stops reading
 * (a wrapper around the real mksquashfs; a getfattr that stalls on the mounted image).
 */
class InterruptIT {
  private static final Path JAR = Path.of("target/oci2squashfs.jar").toAbsolutePath();

  @TempDir
  Path tmp;

  @BeforeAll
  static void tools() {
    Tools.require("mksquashfs", "squashfuse_ll", "getfattr");
    assertTrue(Files.isRegularFile(JAR), JAR + " is built by 'mvn package', before the end-to-end tests");
  }

  @ParameterizedTest
  @CsvSource({"INT, 130", "TERM, 143"})
  void signalMidConversion(String signal, int expectedExit) throws Exception {
    byte[] noise = new byte[4 << 20]; // more than the pipe and the sink's buffer hold
    new Random(11).nextBytes(noise);
    Path image = ImageLayoutBuilder.oci()
        .layer(layer().file("a", "x").file("noise", noise, 0644, 0, 0).tar(), MediaTypes.OCI_LAYER)
        .writeTo(tmp.resolve("img"));
    // the real mksquashfs behind a pipe that stops after 64 KiB: mksquashfs runs, the JVM's write blocks
    Path wrapper = script("mksquashfs-stalling", "[ \"$1\" = -version ] && exec mksquashfs -version\n"
        + "{ dd bs=64k count=1 2>/dev/null; exec -a \"$0-stalled\" sleep 600; } | mksquashfs \"$@\"");
    Path outDir = Files.createDirectories(tmp.resolve("out"));
    Path jtmp = Files.createDirectories(tmp.resolve("jtmp"));
    Process p = launch(jtmp, null, "convert", "-i", image.toString(), "-o", outDir.resolve("image.squashfs").toString(),
        "--mksquashfs", wrapper.toString());
    try {
      awaitOrFail(p, () -> hasPartial(outDir) && running(wrapper + "-stalled") && running("-tar"),
          "mksquashfs running with a partial image");
      signal(p, signal);
      assertTrue(p.waitFor(60, TimeUnit.SECONDS), "exits after SIG" + signal);
      assertEquals(expectedExit, p.exitValue(), stderr(jtmp));
      assertFalse(stderr(jtmp).contains("\tat "), "no stack trace: " + stderr(jtmp));
    } finally {
      p.destroyForcibly();
    }
    assertEmpty(outDir);
    assertEmpty(jtmp);
    Leftovers.assertNone(tmp);
  }

  @ParameterizedTest
  @CsvSource({"INT, 130", "TERM, 143"})
  void signalMidVerify(String signal, int expectedExit) throws Exception {
    Path image = ImageLayoutBuilder.oci().layer(layer().dir("d").file("d/f", "x").gzip(), MediaTypes.OCI_LAYER_GZIP)
        .writeTo(tmp.resolve("img"));
    Path squashfs = tmp.resolve("image.squashfs");
    StringWriter err = new StringWriter();
    assertEquals(0, Main.run(new PrintWriter(new StringWriter()), new PrintWriter(err, true),
        "convert", "-q", "-i", image.toString(), "-o", squashfs.toString()), err.toString());
    Path reference = Files.createDirectories(tmp.resolve("ref/d"));
    Files.writeString(reference.resolve("f"), "x");
    // getfattr that stalls once asked about a mount, so verify is held with the image mounted
    Path bin = Files.createDirectories(tmp.resolve("bin"));
    Path real = Path.of(Tools.path("getfattr"));
    Path stalling = script("bin/getfattr", "case \"$*\" in *oci2squashfs-mnt-*) exec -a \"$0-stalled\" sleep 600;; esac\n"
        + "exec " + real + " \"$@\"");
    Path jtmp = Files.createDirectories(tmp.resolve("jtmp"));
    Process p = launch(jtmp, bin + ":" + System.getenv("PATH"), "verify", "--method", "mount",
        "-s", squashfs.toString(), "-r", tmp.resolve("ref").toString());
    try {
      awaitOrFail(p, () -> running(stalling + "-stalled") && mounted(jtmp), "verify holding a mount");
      signal(p, signal);
      assertTrue(p.waitFor(60, TimeUnit.SECONDS), "exits after SIG" + signal);
      assertEquals(expectedExit, p.exitValue(), stderr(jtmp));
    } finally {
      p.destroyForcibly();
    }
    assertEmpty(jtmp);
    Leftovers.assertNone(tmp);
  }

  /** Runs the launcher jar with its temporary files in {@code jtmp}, stderr to {@code jtmp/../stderr}. */
  private Process launch(Path jtmp, String path, String... args) throws Exception {
    List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
        "-Djava.io.tmpdir=" + jtmp, "-jar", JAR.toString()));
    cmd.addAll(List.of(args));
    ProcessBuilder pb = new ProcessBuilder(cmd).redirectOutput(ProcessBuilder.Redirect.DISCARD)
        .redirectError(jtmp.resolveSibling("stderr").toFile());
    if (path != null) {
      pb.environment().put("PATH", path);
    }
    return pb.start();
  }

  private static String stderr(Path jtmp) throws Exception {
    return Files.readString(jtmp.resolveSibling("stderr"), StandardCharsets.UTF_8);
  }

  private static void signal(Process p, String signal) throws Exception {
    Process kill = new ProcessBuilder("kill", "-" + signal, Long.toString(p.pid())).inheritIO().start();
    assertEquals(0, kill.waitFor());
  }

  private static void awaitOrFail(Process p, BooleanSupplier condition, String what) throws Exception {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
    while (!condition.getAsBoolean()) {
      if (!p.isAlive()) {
        fail("exited (" + p.exitValue() + ") before " + what);
      }
      if (System.nanoTime() > deadline) {
        fail("no " + what + " within 120 s");
      }
      Thread.sleep(20);
    }
  }

  private static boolean hasPartial(Path dir) {
    try (Stream<Path> s = Files.list(dir)) {
      return s.anyMatch(f -> f.getFileName().toString().endsWith(".partial"));
    } catch (Exception e) {
      return false;
    }
  }

  private boolean running(String commandLinePart) {
    return Leftovers.processesNaming(tmp).stream().anyMatch(h -> Leftovers.cmdline(h.pid()).contains(commandLinePart));
  }

  private static boolean mounted(Path dir) {
    try {
      return !Leftovers.mountsUnder(dir).isEmpty();
    } catch (Exception e) {
      return false;
    }
  }

  private static void assertEmpty(Path dir) throws Exception {
    try (Stream<Path> s = Files.list(dir)) {
      assertEquals(List.of(), s.toList(), "left in " + dir);
    }
  }

  private Path script(String name, String body) throws Exception {
    Path s = tmp.resolve(name);
    Files.writeString(s, "#!/bin/bash\n" + body + "\n");
    Files.setPosixFilePermissions(s, PosixFilePermissions.fromString("rwxr-xr-x"));
    return s;
  }
}
