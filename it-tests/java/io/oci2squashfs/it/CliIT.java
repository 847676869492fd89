package io.oci2squashfs.it;

import static io.oci2squashfs.testing.LayerBuilder.layer;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.oci2squashfs.cli.Main;
import io.oci2squashfs.testing.ImageLayoutBuilder;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The command line end to end with the real mksquashfs: success, and bad input that must fail
 * cleanly.
 */
class CliIT {
  static final String GZIP = "application/vnd.oci.image.layer.v1.tar+gzip";

  @TempDir Path tmp;

  record Run(int code, String err) {}

  @BeforeAll
  static void tools() {
    Tools.require("mksquashfs", "unsquashfs");
  }

  static Run cli(String... args) {
    StringWriter err = new StringWriter();
    int code =
        Main.run(new PrintWriter(new StringWriter(), true), new PrintWriter(err, true), args);
    return new Run(code, err.toString());
  }

  /** Nothing but the image directory may be left in tmp: no output, no partial file. */
  void assertNoOutput(Path image) throws Exception {
    try (Stream<Path> s = Files.list(tmp)) {
      assertEquals(List.of(image), s.toList(), "files left behind");
    }
  }

  @Test
  void convertsAndSummarises() throws Exception {
    Path image =
        ImageLayoutBuilder.oci()
            .layer(layer().file("a/b", "x").gzip(), GZIP)
            .writeTo(tmp.resolve("img"));
    Path out = tmp.resolve("out.squashfs");
    Run r = cli("convert", "--image", image.toString(), "--output", out.toString());
    assertEquals(0, r.code(), r.err());
    assertTrue(r.err().contains("wrote " + out), r.err());
    SquashfsContents.read(out).file("a/b", "x");
    Run quiet = cli("convert", "-q", "-f", "-i", image.toString(), "-o", out.toString());
    assertEquals(0, quiet.code());
    assertEquals("", quiet.err());
  }

  @Test
  void truncatedLayerNamesTheLayerAndLeavesNothing() throws Exception {
    byte[] big = new byte[1 << 20];
    new java.util.Random(1).nextBytes(big);
    byte[] gz = layer().file("big", big, 0644, 0, 0).file("after", "x").gzip();
    byte[] truncated = Arrays.copyOf(gz, gz.length / 2);
    Path image =
        ImageLayoutBuilder.oci()
            .layer(layer().file("ok", "x").gzip(), GZIP)
            .layer(truncated, GZIP, io.oci2squashfs.image.Digest.sha256(big))
            .writeTo(tmp.resolve("img"));
    Run r = cli("convert", "-i", image.toString(), "-o", tmp.resolve("out.squashfs").toString());
    assertEquals(1, r.code(), r.err());
    String digest = io.oci2squashfs.image.Digest.sha256(truncated).toString();
    assertTrue(r.err().contains("layer 1/2"), r.err());
    assertTrue(r.err().contains(digest.substring(0, 19)), "names the blob: " + r.err());
    assertTrue(r.err().contains("big"), "names the entry: " + r.err());
    assertEquals(
        1, r.err().lines().filter(l -> l.startsWith("oci2squashfs: error:")).count(), r.err());
    assertTrue(r.err().contains("truncated"), "says what is wrong: " + r.err());
    assertNoOutput(image);
  }

  @Test
  void dotDotEntryIsRejectedNamingLayerAndEntry() throws Exception {
    Path image =
        ImageLayoutBuilder.oci()
            .layer(
                layer()
                    .file("fine", "x")
                    .file("x", "evil")
                    .rawName("a/../../etc/passwd".getBytes(StandardCharsets.UTF_8))
                    .gzip(),
                GZIP)
            .writeTo(tmp.resolve("img"));
    Run r = cli("convert", "-i", image.toString(), "-o", tmp.resolve("out.squashfs").toString());
    assertEquals(1, r.code(), r.err());
    assertTrue(r.err().contains("layer 0/1"), r.err());
    assertTrue(r.err().contains("a/../../etc/passwd"), r.err());
    assertTrue(r.err().contains(".."), r.err());
    assertNoOutput(image);
  }

  @Test
  void aCorruptByteInALayerBlobFailsNamingTheBlob() throws Exception {
    // a plain tar: a flipped content byte still parses, only the digest can tell
    byte[] blob = layer().file("f", "some content").file("g", "more").tar();
    Path image =
        ImageLayoutBuilder.oci()
            .layer(blob, "application/vnd.oci.image.layer.v1.tar")
            .writeTo(tmp.resolve("img"));
    String hex = io.oci2squashfs.image.Digest.sha256(blob).hex();
    Path file = image.resolve("blobs/sha256/" + hex);
    byte[] bytes = Files.readAllBytes(file);
    bytes[512 + 3] ^= 0x01; // inside f's content
    Files.write(file, bytes);
    Run r = cli("convert", "-i", image.toString(), "-o", tmp.resolve("out.squashfs").toString());
    assertEquals(1, r.code(), r.err());
    assertTrue(r.err().contains("sha256:" + hex.substring(0, 12)), r.err());
    assertTrue(r.err().contains("does not match its digest"), r.err());
    assertNoOutput(image);
  }

  @Test
  void aLayerThatDoesNotMatchTheConfigsDiffIdFails() throws Exception {
    byte[] tar = layer().file("f", "x").tar();
    io.oci2squashfs.image.Digest wrong = io.oci2squashfs.image.Digest.sha256(new byte[] {1});
    Path image =
        ImageLayoutBuilder.oci()
            .layer(layer().file("f", "x").gzip(), GZIP, wrong)
            .writeTo(tmp.resolve("img"));
    Run r = cli("convert", "-i", image.toString(), "-o", tmp.resolve("out.squashfs").toString());
    assertEquals(1, r.code(), r.err());
    assertTrue(r.err().contains("diff_id"), r.err());
    assertTrue(
        r.err().contains(io.oci2squashfs.image.Digest.sha256(tar).hex().substring(0, 12)), r.err());
    assertNoOutput(image);
  }

  @Test
  void missingBlobIsNamed() throws Exception {
    byte[] blob = layer().file("f", "x").gzip();
    Path image = ImageLayoutBuilder.oci().layer(blob, GZIP).writeTo(tmp.resolve("img"));
    String hex = io.oci2squashfs.image.Digest.sha256(blob).hex();
    Files.delete(image.resolve("blobs/sha256/" + hex));
    Run r = cli("convert", "-i", image.toString(), "-o", tmp.resolve("out.squashfs").toString());
    assertEquals(1, r.code(), r.err());
    assertTrue(r.err().contains(hex.substring(0, 12)), r.err());
    assertNoOutput(image);
  }

  @Test
  void notAnImageSaysWhatWasExpected() throws Exception {
    Path dir = Files.createDirectory(tmp.resolve("empty"));
    Run r = cli("convert", "-i", dir.toString(), "-o", tmp.resolve("out.squashfs").toString());
    assertEquals(1, r.code(), r.err());
    assertTrue(r.err().contains("index.json") && r.err().contains("manifest.json"), r.err());
    assertNoOutput(dir);
  }

  @Test
  void launcherConvertsTheBundledExample() throws Exception {
    Path root = Path.of("").toAbsolutePath();
    Path out = tmp.resolve("demo.squashfs");
    Process p =
        new ProcessBuilder(
                root.resolve("scripts/oci2squashfs").toString(),
                "convert",
                "--image",
                root.resolve("examples/demo-image").toString(),
                "--output",
                out.toString())
            .redirectErrorStream(true)
            .start();
    String text = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertTrue(p.waitFor(300, TimeUnit.SECONDS));
    assertEquals(0, p.exitValue(), text);
    SquashfsContents s = SquashfsContents.read(out);
    s.file("etc/hostname", "hostname changed in layer 2\n")
        .absent("etc/scratch")
        .absent("usr/share/demo/old")
        .sameInode("bin/hello", "usr/bin/hi")
        .symlink("usr/bin/hello", "../../bin/hello")
        .dir("tmp", 01777, 0, 0);
    assertEquals(04755, s.get("bin/hello").mode);
    assertEquals(1000, s.get("etc/motd").uid);
  }
}
