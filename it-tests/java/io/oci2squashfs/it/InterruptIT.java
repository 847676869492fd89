package io.oci2squashfs.it;

import static io.oci2squashfs.testing.LayerBuilder.layer;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import io.oci2squashfs.cli.Main;
import io.oci2squashfs.layer.MediaTypes;
import io.oci2squashfs.testing.ImageLayoutBuilder;
import io.oci2squashfs.testing.LayerBuilder;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * SIGINT and SIGTERM sent to the java process alone (as {@code timeout}, {@code kill PID}, a
 * service manager or a cancelled CI job send them; not to its process group, as a terminal's Ctrl-C
 * would), in every phase of every command: the run must end within 2 seconds with 130 or 143, leave
 * the output path as it found it (absent, or with {@code --force} the previous output untouched),
 * and leave no temporary file, no mount and no child process. Each run is held at a known point by
 * a stand-in tool that stalls (a gunzip that stops half way through a layer, mksquashfs reading or
 * finishing, setfattr while a directory is put in place, the readers of verify), or caught in a
 * phase made long on purpose (an image of 1500 layers loading, a 256 MiB layer being copied). Found
 * from outside (issue 15): a signal while mksquashfs finished was ignored until it was done, and
 * the image was moved into place before the exit with 130.
 */
class InterruptIT {
  private static final Path JAR = Path.of("target/oci2squashfs.jar").toAbsolutePath();
  private static final Path LAUNCHER = Path.of("scripts/oci2squashfs").toAbsolutePath();
  private static final long EXIT_WITHIN_MILLIS = 2000;

  @TempDir Path tmp;

  private final List<Runnable> cleanups = new ArrayList<>();

  @BeforeAll
  static void tools() {
    Tools.require(
        "mksquashfs", "squashfuse_ll", "getfattr", "setfattr", "unsquashfs", "umoci", "gzip");
    assertTrue(
        Files.isRegularFile(JAR), JAR + " is built by 'mvn package', before the end-to-end tests");
  }

  @AfterEach
  void stopWhatIsLeft() {
    cleanups.forEach(Runnable::run);
  }

  // ---- convert

  @ParameterizedTest
  @CsvSource({"INT, 130, squashfs", "TERM, 143, squashfs", "INT, 130, tar", "TERM, 143, dir"})
  void whileLoading(String signal, int expectedExit, String format) throws Exception {
    // many layers, none with a root entry: loading and probing each layer's first entry take a
    // while
    ImageLayoutBuilder b = ImageLayoutBuilder.oci();
    for (int i = 0; i < 1500; i++) {
      b.layer(layer().file("l" + i, "x").gzip(), MediaTypes.OCI_LAYER_GZIP);
    }
    Path image = b.writeTo(tmp.resolve("img"));
    Path out = oldOutput(format);
    Held run =
        start(
            null,
            "convert",
            "-f",
            "-q",
            "-i",
            image.toString(),
            "-o",
            out.toString(),
            "--format",
            format);
    run.interruptWhen(
        () -> reading(run.process, image) && !hasPartial(out),
        "the image being loaded",
        signal,
        expectedExit);
    assertOldOutput(out, format);
  }

  @ParameterizedTest
  @CsvSource({
    "INT, 130, squashfs",
    "TERM, 143, squashfs",
    "INT, 130, tar",
    "TERM, 143, tar",
    "INT, 130, dir",
    "TERM, 143, dir"
  })
  void whileStreamingLayers(String signal, int expectedExit, String format) throws Exception {
    Path image = imageWithABigTopLayer();
    Path igzip = stallingGunzip(1 << 20);
    Path out = oldOutput(format);
    Held run =
        startWith(
            Map.of("OCI2SQUASHFS_IGZIP", igzip.toString()),
            "convert",
            "-f",
            "-q",
            "-i",
            image.toString(),
            "-o",
            out.toString(),
            "--format",
            format);
    run.interruptWhen(
        () -> running(igzip + "-stalled") && hasPartial(out),
        "half a layer streamed into a partial output",
        signal,
        expectedExit);
    assertOldOutput(out, format);
  }

  @ParameterizedTest
  @CsvSource({"INT, 130", "TERM, 143"})
  void whileMksquashfsReads(String signal, int expectedExit) throws Exception {
    Path image =
        ImageLayoutBuilder.oci()
            .layer(
                layer().file("a", "x").file("noise", noise(4 << 20, 11), 0644, 0, 0).tar(),
                MediaTypes.OCI_LAYER)
            .writeTo(tmp.resolve("img"));
    // the real mksquashfs behind a pipe that stops after 64 KiB: mksquashfs runs, the JVM's write
    // blocks
    Path wrapper =
        script(
            "mksquashfs-stalling",
            "[ \"$1\" = -version ] && exec mksquashfs -version\n"
                + "{ dd bs=64k count=1 2>/dev/null; exec -a \"$0-stalled\" sleep 600; } |"
                + " mksquashfs \"$@\"");
    Path out = tmp.resolve("out/image.squashfs");
    Files.createDirectories(out.getParent());
    Held run =
        start(
            null,
            "convert",
            "-i",
            image.toString(),
            "-o",
            out.toString(),
            "--mksquashfs",
            wrapper.toString());
    run.interruptWhen(
        () -> hasPartial(out) && running(wrapper + "-stalled") && running("-tar"),
        "mksquashfs running with a partial image",
        signal,
        expectedExit);
    assertFalse(Files.exists(out));
  }

  /**
   * An erofs image with a verity tree: stopped once mkfs.erofs is done, the previous image and its
   * previous root hash file are left as they were, and no tree or partial file is.
   */
  @ParameterizedTest
  @CsvSource({"INT, 130", "TERM, 143"})
  void whileMkfsErofsFinishesWithVerity(String signal, int expectedExit) throws Exception {
    Path image =
        ImageLayoutBuilder.oci()
            .layer(layer().file("a", "x").gzip(), MediaTypes.OCI_LAYER_GZIP)
            .writeTo(tmp.resolve("img"));
    Path wrapper =
        script(
            "mkfs.erofs-finishing",
            "[ \"$1\" = --version ] && exec mkfs.erofs --version\n"
                + "mkfs.erofs \"$@\" >/dev/null && exec -a \"$0-finishing\" sleep 600");
    Path out = oldOutput("erofs");
    Path rootHash = out.resolveSibling(out.getFileName() + ".roothash");
    Files.writeString(rootHash, "previous hash\n");
    Held run =
        start(
            null,
            "convert",
            "-f",
            "-q",
            "-i",
            image.toString(),
            "-o",
            out.toString(),
            "--verity",
            "--mkfs-erofs",
            wrapper.toString());
    run.interruptWhen(
        () -> running(wrapper + "-finishing"),
        "mkfs.erofs done but not exited",
        signal,
        expectedExit);
    assertOldOutput(out, "erofs");
    assertEquals("previous hash\n", Files.readString(rootHash), "the previous root hash is kept");
  }

  @ParameterizedTest
  @CsvSource({"INT, 130", "TERM, 143"})
  void whileMksquashfsFinishes(String signal, int expectedExit) throws Exception {
    Path image =
        ImageLayoutBuilder.oci()
            .layer(layer().file("a", "x").gzip(), MediaTypes.OCI_LAYER_GZIP)
            .layer(layer().file("b", "y").gzip(), MediaTypes.OCI_LAYER_GZIP)
            .writeTo(tmp.resolve("img"));
    // mksquashfs has read the whole stream and written the image; the JVM waits for it to exit
    Path wrapper =
        script(
            "mksquashfs-finishing",
            "[ \"$1\" = -version ] && exec mksquashfs -version\n"
                + "mksquashfs \"$@\" >/dev/null && exec -a \"$0-finishing\" sleep 600");
    Path out = oldOutput("squashfs");
    Held run =
        start(
            null,
            "convert",
            "-f",
            "-q",
            "-i",
            image.toString(),
            "-o",
            out.toString(),
            "--mksquashfs",
            wrapper.toString());
    run.interruptWhen(
        () -> running(wrapper + "-finishing"),
        "mksquashfs done but not exited",
        signal,
        expectedExit);
    assertOldOutput(out, "squashfs");
  }

  @ParameterizedTest
  @CsvSource({"INT, 130", "TERM, 143"})
  void whileADirectoryIsPutInPlace(String signal, int expectedExit) throws Exception {
    // xattrs outside user.* are set at the end by setfattr, which stalls here
    Path image =
        ImageLayoutBuilder.oci()
            .layer(
                layer().file("a", "x").xattr("trusted.oci2squashfs", "v").gzip(),
                MediaTypes.OCI_LAYER_GZIP)
            .writeTo(tmp.resolve("img"));
    Path bin = Files.createDirectories(tmp.resolve("bin"));
    Path stalling = script("bin/setfattr", "exec -a \"$0-stalled\" sleep 600");
    Path out = oldOutput("dir");
    Held run =
        start(
            bin + ":" + System.getenv("PATH"),
            "convert",
            "-f",
            "-q",
            "-i",
            image.toString(),
            "-o",
            out.toString(),
            "--format",
            "dir");
    run.interruptWhen(
        () -> running(stalling + "-stalled"),
        "setfattr setting the last xattrs",
        signal,
        expectedExit);
    assertOldOutput(out, "dir");
  }

  /**
   * A non-interactive shell starts a background job with SIGINT ignored; the launcher gives it
   * back, so 'oci2squashfs ... &' followed by 'kill -INT' still stops the run cleanly.
   */
  @ParameterizedTest
  @CsvSource({"INT, 130", "TERM, 143"})
  void theLauncherInTheBackgroundOfAScript(String signal, int expectedExit) throws Exception {
    Path image = imageWithABigTopLayer();
    Path igzip = stallingGunzip(1 << 20);
    Path out = oldOutput("squashfs");
    Path pidFile = tmp.resolve("pid");
    Path jtmp = Files.createDirectories(tmp.resolve("jtmp"));
    ProcessBuilder pb =
        new ProcessBuilder(
                "bash",
                "-c",
                "\"$@\" & echo $! > " + pidFile + "; wait $!",
                "bash",
                LAUNCHER.toString(),
                "convert",
                "-f",
                "-q",
                "-i",
                image.toString(),
                "-o",
                out.toString())
            .redirectOutput(ProcessBuilder.Redirect.DISCARD)
            .redirectError(jtmp.resolveSibling("stderr").toFile());
    pb.environment().put("OCI2SQUASHFS_IGZIP", igzip.toString());
    pb.environment().put("OCI2SQUASHFS_JAVA_OPTS", "-Djava.io.tmpdir=" + jtmp);
    Process shell = pb.start();
    cleanups.add(shell::destroyForcibly);
    awaitOrFail(
        shell, () -> running(igzip + "-stalled") && Files.exists(pidFile), "a layer streaming");
    long pid = Long.parseLong(Files.readString(pidFile).trim());
    assertTrue(
        Leftovers.cmdline(pid).contains("java"),
        "the launcher execs java: " + Leftovers.cmdline(pid));
    long sent = signal(pid, signal);
    assertTrue(shell.waitFor(60, TimeUnit.SECONDS), "exits after SIG" + signal);
    long millis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - sent);
    assertEquals(expectedExit, shell.exitValue(), stderr(jtmp));
    assertTrue(millis <= EXIT_WITHIN_MILLIS, "exited " + millis + " ms after the signal");
    assertOldOutput(out, "squashfs");
    assertNoLeftovers(out.getParent(), jtmp);
  }

  // ---- squash

  @ParameterizedTest
  @CsvSource({"INT, 130", "TERM, 143"})
  void squashWhileMerging(String signal, int expectedExit) throws Exception {
    Path image = imageWithABigTopLayer();
    Path igzip = stallingGunzip(1 << 20);
    Path out = oldOutput("tar");
    Held run =
        startWith(
            Map.of("OCI2SQUASHFS_IGZIP", igzip.toString()),
            "squash",
            image.toString(),
            "--layers",
            "1",
            "-f",
            "-q",
            "-o",
            out.toString());
    run.interruptWhen(
        () -> running(igzip + "-stalled"), "the squashed layer half merged", signal, expectedExit);
    assertOldOutput(out, "tar");
  }

  @ParameterizedTest
  @CsvSource({"INT, 130", "TERM, 143"})
  void squashWhileCopyingLowerLayers(String signal, int expectedExit) throws Exception {
    // a big kept layer: copying it (read, hashed, written) takes long enough to be caught at it
    byte[] big = layer().file("zeros", new byte[256 << 20], 0644, 0, 0).tar();
    Path image =
        ImageLayoutBuilder.oci()
            .layer(big, MediaTypes.OCI_LAYER)
            .layer(layer().file("top", "t").gzip(), MediaTypes.OCI_LAYER_GZIP)
            .writeTo(tmp.resolve("img"));
    big = null;
    Path out = oldOutput("tar");
    Held run =
        start(null, "squash", image.toString(), "--layers", "1", "-f", "-q", "-o", out.toString());
    run.interruptWhen(
        () -> copying(out.getParent()), "the kept layer being copied", signal, expectedExit);
    assertOldOutput(out, "tar");
  }

  // ---- verify

  @ParameterizedTest
  @CsvSource({"INT, 130", "TERM, 143"})
  void verifyWhileMounted(String signal, int expectedExit) throws Exception {
    Path squashfs = squashfsOf(layer().dir("d").file("d/f", "x"));
    Path reference = Files.createDirectories(tmp.resolve("ref/d"));
    Files.writeString(reference.resolve("f"), "x");
    // getfattr that stalls once asked about a mount, so verify is held with the image mounted
    Path bin = Files.createDirectories(tmp.resolve("bin"));
    Path real = Path.of(Tools.path("getfattr"));
    Path stalling =
        script(
            "bin/getfattr",
            "case \"$*\" in *oci2squashfs-mnt-*) exec -a \"$0-stalled\" sleep 600;; esac\n"
                + "exec "
                + real
                + " \"$@\"");
    Held run =
        start(
            bin + ":" + System.getenv("PATH"),
            "verify",
            "--method",
            "mount",
            "-s",
            squashfs.toString(),
            "-r",
            tmp.resolve("ref").toString());
    run.interruptWhen(
        () -> running(stalling + "-stalled") && mounted(run.jtmp),
        "verify holding a mount",
        signal,
        expectedExit);
  }

  @ParameterizedTest
  @CsvSource({
    "INT, 130, unsquashfs",
    "TERM, 143, unsquashfs",
    "INT, 130, umoci",
    "TERM, 143, umoci"
  })
  void verifyWhileAReaderRuns(String signal, int expectedExit, String tool) throws Exception {
    LayerBuilder content = layer().dir("d").file("d/f", "x");
    Path image =
        ImageLayoutBuilder.oci()
            .layer(content.gzip(), MediaTypes.OCI_LAYER_GZIP)
            .writeTo(tmp.resolve("oci"));
    Path squashfs = squashfsOf(content);
    Path bin = Files.createDirectories(tmp.resolve("bin"));
    Path stalling = script("bin/" + tool, "exec -a \"$0-stalled\" sleep 600");
    Held run =
        start(
            bin + ":" + System.getenv("PATH"),
            "verify",
            "--method",
            "unsquashfs",
            "-s",
            squashfs.toString(),
            "--image",
            image.toString());
    run.interruptWhen(
        () -> running(stalling + "-stalled"), tool + " running", signal, expectedExit);
  }

  // ---- helpers

  /** A run of the jar in its own JVM, temporary files in {@code jtmp}, stderr beside it. */
  private final class Held {
    final Process process;
    final Path jtmp;

    Held(Process process, Path jtmp) {
      this.process = process;
      this.jtmp = jtmp;
    }

    /** Waits for {@code condition}, sends the signal, and checks the exit and what was left. */
    void interruptWhen(BooleanSupplier condition, String what, String signal, int expectedExit)
        throws Exception {
      try {
        awaitOrFail(process, condition, what);
        long sent = signal(process.pid(), signal);
        assertTrue(process.waitFor(60, TimeUnit.SECONDS), "exits after SIG" + signal);
        long millis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - sent);
        System.out.printf(
            "InterruptIT: SIG%s while %s: exit %d after %d ms%n",
            signal, what, process.exitValue(), millis);
        assertEquals(expectedExit, process.exitValue(), stderr(jtmp));
        assertFalse(stderr(jtmp).contains("\tat "), "no stack trace: " + stderr(jtmp));
        assertTrue(
            millis <= EXIT_WITHIN_MILLIS,
            "exited " + millis + " ms after SIG" + signal + " while " + what);
      } finally {
        process.destroyForcibly();
      }
      assertNoLeftovers(tmp.resolve("out"), jtmp);
    }
  }

  private Held start(String path, String... args) throws Exception {
    return startWith(path == null ? Map.of() : Map.of("PATH", path), args);
  }

  private Held startWith(Map<String, String> env, String... args) throws Exception {
    Path jtmp = Files.createDirectories(tmp.resolve("jtmp"));
    List<String> cmd =
        new ArrayList<>(
            List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Djava.io.tmpdir=" + jtmp,
                "-jar",
                JAR.toString()));
    cmd.addAll(List.of(args));
    ProcessBuilder pb =
        new ProcessBuilder(cmd)
            .redirectOutput(ProcessBuilder.Redirect.DISCARD)
            .redirectError(jtmp.resolveSibling("stderr").toFile());
    pb.environment().putAll(env);
    Process p = pb.start();
    cleanups.add(p::destroyForcibly);
    return new Held(p, jtmp);
  }

  /** A small base layer under {@link #bigLayer}, as an OCI layout in {@code tmp/img}. */
  private Path imageWithABigTopLayer() throws IOException {
    return ImageLayoutBuilder.oci()
        .layer(layer().file("base", "b").gzip(), MediaTypes.OCI_LAYER_GZIP)
        .layer(bigLayer(0).gzip(), MediaTypes.OCI_LAYER_GZIP)
        .writeTo(tmp.resolve("img"));
  }

  /** A layer of 2 MiB of incompressible files, so that its gzip blob is decompressed by "igzip". */
  private static LayerBuilder bigLayer(long seed) {
    LayerBuilder l = layer();
    for (int i = 0; i < 64; i++) {
      l.file("many/f" + i, noise(32 << 10, seed + i), 0644, 0, 0);
    }
    return l;
  }

  /**
   * An igzip stand-in that decompresses the first {@code bytes} and then stalls, holding both
   * pipes.
   */
  private Path stallingGunzip(int bytes) throws IOException {
    return script(
        "igzip-stalling", "gzip -d -c | head -c " + bytes + "\nexec -a \"$0-stalled\" sleep 600");
  }

  /** Whether the process has a file below {@code dir} open. */
  private static boolean reading(Process p, Path dir) {
    try (Stream<Path> fds = Files.list(Path.of("/proc/" + p.pid() + "/fd"))) {
      return fds.anyMatch(
          fd -> {
            try {
              return Files.readSymbolicLink(fd).startsWith(dir);
            } catch (IOException e) {
              return false;
            }
          });
    } catch (IOException e) {
      return false;
    }
  }

  /** Whether a squash staging directory beside the output holds a blob being copied. */
  private static boolean copying(Path outDir) {
    try (Stream<Path> s = Files.walk(outDir)) {
      return s.anyMatch(f -> f.getFileName().toString().startsWith("copy-"));
    } catch (IOException | java.io.UncheckedIOException e) {
      return false;
    }
  }

  /**
   * An existing output of that format, which the interrupted run (with --force) must leave as it
   * is.
   */
  private Path oldOutput(String format) throws IOException {
    Path dir = Files.createDirectories(tmp.resolve("out"));
    if (format.equals("dir")) {
      Path out = Files.createDirectories(dir.resolve("rootfs"));
      Files.writeString(out.resolve("old"), "previous run");
      return out;
    }
    Path out =
        dir.resolve(
            format.equals("tar")
                ? "old.tar"
                : format.equals("erofs") ? "old.erofs" : "old.squashfs");
    Files.writeString(out, "previous run");
    return out;
  }

  private static void assertOldOutput(Path out, String format) throws IOException {
    if (format.equals("dir")) {
      try (Stream<Path> s = Files.list(out)) {
        assertEquals(
            List.of(out.resolve("old")), s.toList(), "the previous directory is untouched");
      }
      assertEquals("previous run", Files.readString(out.resolve("old")));
    } else {
      assertEquals("previous run", Files.readString(out), "the previous output is untouched");
    }
  }

  /**
   * Only the output (or the previous one) is left in its directory, nothing in the JVM's temporary
   * directory.
   */
  private void assertNoLeftovers(Path outDir, Path jtmp) throws Exception {
    if (Files.isDirectory(outDir)) {
      try (Stream<Path> s = Files.list(outDir)) {
        List<String> names =
            s.map(p -> p.getFileName().toString()).filter(n -> n.startsWith(".")).toList();
        assertEquals(List.of(), names, "temporary files left beside the output");
      }
    }
    try (Stream<Path> s = Files.list(jtmp)) {
      assertEquals(List.of(), s.toList(), "left in " + jtmp);
    }
    Leftovers.assertNone(tmp);
  }

  private Path squashfsOf(LayerBuilder content) throws Exception {
    Path image =
        ImageLayoutBuilder.oci()
            .layer(content.gzip(), MediaTypes.OCI_LAYER_GZIP)
            .writeTo(tmp.resolve("for-squashfs"));
    Path squashfs = tmp.resolve("image.squashfs");
    StringWriter err = new StringWriter();
    assertEquals(
        0,
        Main.run(
            new PrintWriter(new StringWriter()),
            new PrintWriter(err, true),
            "convert",
            "-q",
            "-i",
            image.toString(),
            "-o",
            squashfs.toString()),
        err.toString());
    return squashfs;
  }

  private static byte[] noise(int size, long seed) {
    byte[] b = new byte[size];
    new Random(seed).nextBytes(b);
    return b;
  }

  private static String stderr(Path jtmp) throws IOException {
    return Files.readString(jtmp.resolveSibling("stderr"), StandardCharsets.UTF_8);
  }

  /** Sends the signal to that process alone; returns when it was sent (System.nanoTime). */
  private static long signal(long pid, String signal) throws Exception {
    Process kill = new ProcessBuilder("kill", "-" + signal, Long.toString(pid)).inheritIO().start();
    assertEquals(0, kill.waitFor());
    return System.nanoTime();
  }

  private static void awaitOrFail(Process p, BooleanSupplier condition, String what)
      throws Exception {
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
    Thread.sleep(100); // well inside the phase
  }

  private static boolean hasPartial(Path output) {
    try (Stream<Path> s = Files.list(output.getParent())) {
      return s.anyMatch(f -> f.getFileName().toString().endsWith(".partial"));
    } catch (IOException e) {
      return false;
    }
  }

  private boolean running(String commandLinePart) {
    return Leftovers.processesNaming(tmp).stream()
        .anyMatch(h -> Leftovers.cmdline(h.pid()).contains(commandLinePart));
  }

  private static boolean mounted(Path dir) {
    try {
      return !Leftovers.mountsUnder(dir).isEmpty();
    } catch (IOException e) {
      return false;
    }
  }

  private Path script(String name, String body) throws IOException {
    Path s = tmp.resolve(name);
    Files.writeString(s, "#!/bin/bash\n" + body + "\n");
    Files.setPosixFilePermissions(s, PosixFilePermissions.fromString("rwxr-xr-x"));
    return s;
  }
}
