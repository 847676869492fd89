package io.oci2squashfs.cli;

import static io.oci2squashfs.testing.LayerBuilder.layer;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.oci2squashfs.image.json.Json;
import io.oci2squashfs.testing.ImageLayoutBuilder;
import io.oci2squashfs.testing.LayerBuilder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code convert}'s summary, {@code --json} and progress modes, in-process with a stand-in for
 * mksquashfs that writes the tar it is given as the "image".
 */
class ConvertCommandTest {
  static final String GZIP = "application/vnd.oci.image.layer.v1.tar+gzip";

  @TempDir Path tmp;

  Path fake;
  Path image;
  Path out;

  /** The layers as built: base first. */
  LayerBuilder base;

  LayerBuilder top;
  byte[] baseBlob;
  byte[] topBlob;

  @BeforeEach
  void image() throws Exception {
    fake = tmp.resolve("fake-mksquashfs");
    Files.writeString(
        fake,
        "#!/bin/sh\n"
            + "[ \"$1\" = -version ] && echo 'mksquashfs version 4.6.1 (2023/03/25)' && exit 0\n"
            + "cat > \"$2\"\n");
    Files.setPosixFilePermissions(fake, PosixFilePermissions.fromString("rwxr-xr-x"));
    // base: a file with a hard link to it, another file, and a file at p;
    // top: deletes the link's target (so the link becomes a copy), adds a file, and p/child under
    // the file p (a warning)
    base = layer().file("t", "target").hardlink("h", "t").file("keep", "k").file("p", "file");
    top = layer().whiteout("t").file("new", "n").file("p/child", "c");
    baseBlob = base.gzip();
    topBlob = top.gzip();
    image =
        ImageLayoutBuilder.oci()
            .platform("linux", "amd64")
            .layer(baseBlob, GZIP)
            .layer(topBlob, GZIP)
            .writeTo(tmp.resolve("img"));
    out = tmp.resolve("out.squashfs");
  }

  CliRun convert(String... extra) {
    String[] args = new String[8 + extra.length];
    String[] fixed = {
      "convert",
      "-i",
      image.toString(),
      "-o",
      out.toString(),
      "--mksquashfs",
      fake.toString(),
      "--platform=linux/amd64"
    };
    System.arraycopy(fixed, 0, args, 0, fixed.length);
    System.arraycopy(extra, 0, args, fixed.length, extra.length);
    return CliRun.of(args);
  }

  @Test
  void jsonSummaryParsesAndHoldsTheCounts() throws Exception {
    CliRun r = convert("--json", "--progress=plain");
    assertEquals(0, r.code(), r.err());
    JsonNode d = Json.MAPPER.readTree(r.out());
    JsonNode index = Json.MAPPER.readTree(image.resolve("index.json").toFile());
    assertEquals(out.toAbsolutePath().toString(), d.get("output").asText());
    assertEquals("linux/amd64", d.get("platform").asText());
    assertEquals(index.get("manifests").get(0).get("digest").asText(), d.get("manifest").asText());
    assertTrue(d.get("image").asText().contains(image.toString()), d.toString());
    assertEquals(2, d.get("layers").asInt());
    assertEquals("squashfs", d.get("format").asText());
    // h (a copy now), keep, new, p, p/child: the root is not counted
    assertEquals(5, d.get("entriesWritten").asLong());
    assertEquals(1, d.get("whiteoutsApplied").asLong());
    assertEquals(1, d.get("hardLinksPromoted").asLong());
    assertEquals(1, d.get("warnings").asLong(), d.toString());
    assertTrue(d.get("warningMessages").get(0).asText().contains("p"), d.toString());
    assertEquals(baseBlob.length + topBlob.length, d.get("inputCompressedBytes").asLong());
    assertEquals(base.tar().length + top.tar().length, d.get("inputUncompressedBytes").asLong());
    assertEquals(Files.size(out), d.get("outputBytes").asLong());
    assertEquals(
        Files.size(out), d.get("mergedTarBytes").asLong(), "the stand-in writes the tar it reads");
    assertEquals(
        (double) Files.size(out) / (base.tar().length + top.tar().length),
        d.get("ratio").asDouble(),
        1e-4);
    assertTrue(d.get("seconds").asDouble() > 0, d.toString());
    assertFalse(
        r.err().contains("wrote "), "with --json the text summary is not printed too: " + r.err());
  }

  @Test
  void textSummaryGoesToStandardError() {
    CliRun r = convert("--progress=plain");
    assertEquals(0, r.code(), r.err());
    assertEquals("", r.out());
    assertTrue(r.err().contains("wrote " + out.toAbsolutePath()), r.err());
    assertTrue(
        r.err().contains("5 written, 1 whiteout applied, 1 hard link copied, 1 warning"), r.err());
    assertTrue(r.err().contains("linux/amd64, 2 layers"), r.err());
  }

  @Test
  void plainProgressIsOneLinePerPhaseAndNeverRedrawn() {
    CliRun r = convert("--progress=plain");
    assertEquals(0, r.code(), r.err());
    assertFalse(r.err().contains("\r") || r.err().contains("\033"), r.err());
    assertTrue(r.err().lines().anyMatch(l -> l.startsWith("image: ")), r.err());
    assertTrue(
        r.err().lines().anyMatch(l -> l.startsWith("layers 2/2 ") && l.contains(" read")), r.err());
    assertTrue(r.err().lines().anyMatch(l -> l.startsWith("mksquashfs finished in ")), r.err());
  }

  @Test
  void terminalProgressIsRedrawnInPlace() {
    CliRun r = convert("--progress=tty");
    assertEquals(0, r.code(), r.err());
    assertTrue(r.err().contains("\rloading image "), r.err());
    assertTrue(
        r.err().contains("\rlayers 1/2 "),
        "the layers line is drawn over the last one: " + r.err());
    assertTrue(r.err().contains("\033[K"), "and clears what is left of it: " + r.err());
    assertTrue(r.err().contains("wrote "), r.err());
  }

  @Test
  void quietPrintsNothingButTheJsonStillComes() throws Exception {
    CliRun r = convert("-q", "--progress=tty", "--json");
    assertEquals(0, r.code(), r.err());
    assertEquals("", r.err());
    assertEquals(5, Json.MAPPER.readTree(r.out()).get("entriesWritten").asLong());
  }

  @Test
  void verboseNamesEachLayerAndTheCommand() {
    CliRun r = convert("-v", "--progress=plain");
    assertEquals(0, r.code(), r.err());
    assertTrue(r.err().lines().anyMatch(l -> l.startsWith("running: " + fake)), r.err());
    assertTrue(
        r.err().lines().anyMatch(l -> l.startsWith("layer 1/2 sha256:") && l.contains(" read in ")),
        r.err());
    assertTrue(
        r.err().lines().anyMatch(l -> l.startsWith("layer 0/2 sha256:") && l.contains(" read in ")),
        r.err());
  }

  @Test
  void jsonAndATarOnStandardOutputDoNotMix() {
    CliRun r = CliRun.of("convert", "-i", image.toString(), "-o", "-", "--json");
    assertEquals(2, r.code(), r.err());
    assertTrue(r.err().contains("--json") && r.err().contains("'-o -'"), r.err());
    assertEquals("", r.out(), "nothing reaches standard output");
  }

  @Test
  void aTarOutputFinishesAsATarAndSummarisesToo() throws Exception {
    Path tar = tmp.resolve("out.tar");
    CliRun r =
        CliRun.of(
            "convert",
            "-i",
            image.toString(),
            "-o",
            tar.toString(),
            "--platform=linux/amd64",
            "--progress=plain",
            "--json");
    assertEquals(0, r.code(), r.err());
    assertTrue(r.err().lines().anyMatch(l -> l.startsWith("tar finished in ")), r.err());
    JsonNode d = Json.MAPPER.readTree(r.out());
    assertEquals(Files.size(tar), d.get("outputBytes").asLong());
    assertEquals("tar", d.get("format").asText());
    assertEquals(5, d.get("entriesWritten").asLong());
  }

  @Test
  void aFailureAfterProgressStartsOnItsOwnLine() {
    CliRun r =
        CliRun.of(
            "convert",
            "-i",
            tmp.resolve("missing").toString(),
            "-o",
            out.toString(),
            "--mksquashfs",
            fake.toString(),
            "--progress=tty");
    assertEquals(1, r.code());
    assertTrue(
        r.err().contains("\r\033[Koci2squashfs: error: "),
        "the progress line is cleared first: " + r.err());
  }
}
