package io.oci2squashfs.it;

import static io.oci2squashfs.testing.LayerBuilder.layer;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import com.fasterxml.jackson.databind.JsonNode;
import io.oci2squashfs.image.json.Json;
import io.oci2squashfs.testing.ImageLayoutBuilder;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The real launcher ({@code scripts/oci2squashfs}) as a person runs it: in a terminal (tmux), the
 * progress is one line redrawn in place; in a pipe, plain lines with no control characters, and
 * {@code --json} parses. mksquashfs is the real one behind a wrapper that waits a few seconds
 * before reading, so that the conversion is slow enough to watch on any machine.
 */
class ProgressIT {
  static final String GZIP = "application/vnd.oci.image.layer.v1.tar+gzip";
  static final Path LAUNCHER = Path.of("scripts/oci2squashfs").toAbsolutePath();
  static final int STALL_SECONDS = 4;

  @TempDir Path tmp;

  Path image;
  long blobBytes;
  Path slowMksquashfs;
  String tmuxSocket;

  @BeforeAll
  static void tools() {
    Tools.require("mksquashfs", "tmux");
    assertTrue(Files.isExecutable(LAUNCHER), "run from the repository's root: " + LAUNCHER);
  }

  @BeforeEach
  void image() throws IOException {
    byte[] noise = new byte[6 << 20];
    new Random(8).nextBytes(noise);
    byte[] base = layer().file("etc/motd", "base").file("big", noise, 0644, 0, 0).gzip();
    byte[] top = layer().whiteout("etc/motd").file("usr/bin/tool", "#!/bin/sh\n").gzip();
    blobBytes = base.length + top.length;
    image = ImageLayoutBuilder.oci().layer(base, GZIP).layer(top, GZIP).writeTo(tmp.resolve("img"));
    slowMksquashfs = tmp.resolve("slow-mksquashfs");
    Files.writeString(
        slowMksquashfs,
        "#!/bin/sh\n"
            + "[ \"$1\" = -version ] && exec mksquashfs -version\n"
            + "sleep "
            + STALL_SECONDS
            + "\n"
            + "exec mksquashfs \"$@\"\n");
    Files.setPosixFilePermissions(slowMksquashfs, PosixFilePermissions.fromString("rwxr-xr-x"));
    tmuxSocket = "oci2squashfs-progress-" + ProcessHandle.current().pid();
  }

  @AfterEach
  void stopTmux() throws Exception {
    run(List.of("tmux", "-L", tmuxSocket, "kill-server"));
  }

  @Test
  void inATerminalProgressIsOneLineRedrawnInPlace() throws Exception {
    Path out = tmp.resolve("tty.squashfs");
    Path raw = tmp.resolve("terminal-bytes");
    String command =
        "sleep 0.5; "
            + LAUNCHER
            + " convert -i "
            + image
            + " -o "
            + out
            + " --mksquashfs "
            + slowMksquashfs
            + "; echo EXIT=$?; sleep 600";
    tmux("new-session", "-d", "-s", "t", "-x", "160", "-y", "40", "sh", "-c", command);
    tmux("pipe-pane", "-t", "t", "-o", "cat >> " + raw); // every byte the terminal receives

    String during = null;
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
    String screen = "";
    while (System.nanoTime() < deadline) {
      screen = tmux("capture-pane", "-p", "-t", "t");
      if (during == null
          && !screen.contains("wrote ")
          && screen
              .lines()
              .anyMatch(
                  l -> l.matches("layers [12]/2  .* read, .* written.*") && !l.contains(" in "))) {
        during = screen; // caught mid-conversion: the live line, with a layer under way
      }
      if (screen.contains("EXIT=")) {
        break;
      }
      Thread.sleep(100);
    }
    assertTrue(screen.contains("EXIT=0"), "the conversion ends and succeeds:\n" + screen);
    assertTrue(
        during != null, "a progress line is on screen while the layers are read:\n" + screen);

    List<String> lines = screen.lines().filter(l -> !l.isBlank()).toList();
    assertEquals(
        1,
        lines.stream().filter(l -> l.startsWith("layers ")).count(),
        "one line for the layers phase, however often it was redrawn:\n" + screen);
    assertTrue(
        lines.stream().anyMatch(l -> l.matches("layers 2/2  .* read, .* written in .*")), screen);
    assertEquals(
        0,
        lines.stream().filter(l -> l.startsWith("loading image")).count(),
        "the loading line gave way to the image line:\n" + screen);
    assertTrue(lines.stream().anyMatch(l -> l.startsWith("image: ")), screen);
    assertTrue(lines.stream().anyMatch(l -> l.startsWith("mksquashfs finished in ")), screen);
    assertTrue(lines.stream().anyMatch(l -> l.startsWith("wrote " + out)), screen);

    String bytes = Files.readString(raw, StandardCharsets.ISO_8859_1);
    int redraws = count(bytes, "\rlayers ");
    assertTrue(
        redraws >= STALL_SECONDS * 2,
        "the layers line is redrawn a few times a second while mksquashfs stalls; "
            + redraws
            + " times");
    assertTrue(Files.size(out) > 0);
  }

  @Test
  void inAPipeThereAreOnlyPlainLinesAndJsonParses() throws Exception {
    Path out = tmp.resolve("pipe.squashfs");
    Process p =
        new ProcessBuilder(
                LAUNCHER.toString(),
                "convert",
                "-i",
                image.toString(),
                "-o",
                out.toString(),
                "--mksquashfs",
                slowMksquashfs.toString(),
                "--json")
            .start();
    CompletableFuture<String> stdout =
        CompletableFuture.supplyAsync(() -> read(p.getInputStream()));
    String stderr = read(p.getErrorStream());
    assertTrue(p.waitFor(120, TimeUnit.SECONDS));
    assertEquals(0, p.exitValue(), stderr);

    assertFalse(
        stderr.contains("\r") || stderr.contains("\033"), "no redrawing in a pipe: " + stderr);
    List<String> lines = stderr.lines().toList();
    assertTrue(lines.stream().anyMatch(l -> l.startsWith("image: ")), stderr);
    assertEquals(
        1,
        lines.stream().filter(l -> l.startsWith("layers 2/2 ") && l.contains(" in ")).count(),
        stderr);
    assertTrue(lines.size() <= 8, "a few lines, not a running count: " + stderr);

    JsonNode d = Json.MAPPER.readTree(stdout.get());
    assertEquals(out.toString(), d.get("output").asText());
    assertEquals(2, d.get("layers").asInt());
    assertEquals(1, d.get("whiteoutsApplied").asLong());
    assertEquals(Files.size(out), d.get("outputBytes").asLong());
    assertEquals(blobBytes, d.get("inputCompressedBytes").asLong(), d.toString());
    assertTrue(d.get("inputUncompressedBytes").asLong() > 6 << 20, d.toString());
  }

  /**
   * verify in a terminal: a line per step with its counts and time; in a pipe nothing but the
   * report.
   */
  @Test
  void verifyShowsItsStepsInATerminalOnly() throws Exception {
    Tools.require("umoci", "squashfuse_ll");
    Path out = tmp.resolve("v.squashfs");
    Process convert =
        new ProcessBuilder(
                LAUNCHER.toString(), "convert", "-q", "-i", image.toString(), "-o", out.toString())
            .redirectErrorStream(true)
            .start();
    assertEquals(0, convert.waitFor(), read(convert.getInputStream()));
    String command =
        LAUNCHER + " verify -s " + out + " --image " + image + "; echo EXIT=$?; sleep 600";
    tmux("new-session", "-d", "-s", "v", "-x", "160", "-y", "40", "sh", "-c", command);
    String screen = "";
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
    while (System.nanoTime() < deadline && !screen.contains("EXIT=")) {
      Thread.sleep(100);
      screen = tmux("capture-pane", "-p", "-t", "v");
    }
    assertTrue(screen.contains("EXIT=0"), "verify ends and finds the image equal:\n" + screen);
    List<String> lines = screen.lines().filter(l -> !l.isBlank()).toList();
    assertTrue(
        lines.stream().anyMatch(l -> l.matches("verify: unpacking .* with umoci, 0:0\\d")), screen);
    assertTrue(
        lines.stream()
            .anyMatch(
                l ->
                    l.matches(
                        "verify: reading the mounted image: 6 entries, 6\\.0 MiB hashed, .*")),
        screen);
    assertTrue(lines.stream().anyMatch(l -> l.startsWith("equal (image 6 entries")), screen);

    Process piped =
        new ProcessBuilder(
                LAUNCHER.toString(), "verify", "-s", out.toString(), "--image", image.toString())
            .start();
    CompletableFuture<String> stdout =
        CompletableFuture.supplyAsync(() -> read(piped.getInputStream()));
    String stderr = read(piped.getErrorStream());
    assertTrue(piped.waitFor(120, TimeUnit.SECONDS));
    assertEquals(0, piped.exitValue(), stderr);
    assertEquals("", stderr, "no steps in a pipe without -v");
    assertTrue(stdout.get().startsWith("equal (image 6 entries"), stdout.get());
  }

  private String tmux(String... args) throws Exception {
    List<String> cmd = new ArrayList<>(List.of("tmux", "-L", tmuxSocket));
    cmd.addAll(List.of(args));
    Result r = run(cmd);
    if (r.code != 0) {
      fail(String.join(" ", cmd) + " failed: " + r.output);
    }
    return r.output;
  }

  record Result(int code, String output) {}

  private static Result run(List<String> cmd) throws Exception {
    Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
    String output = read(p.getInputStream());
    if (!p.waitFor(30, TimeUnit.SECONDS)) {
      p.destroyForcibly();
      fail(String.join(" ", cmd) + " did not finish");
    }
    return new Result(p.exitValue(), output);
  }

  private static String read(java.io.InputStream in) {
    try {
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new RuntimeException(e);
    }
  }

  private static int count(String s, String part) {
    int n = 0;
    for (int i = s.indexOf(part); i >= 0; i = s.indexOf(part, i + 1)) {
      n++;
    }
    return n;
  }
}
