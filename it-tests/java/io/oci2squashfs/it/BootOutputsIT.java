package io.oci2squashfs.it;

import static io.oci2squashfs.testing.LayerBuilder.layer;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.oci2squashfs.cli.Main;
import io.oci2squashfs.image.json.Json;
import io.oci2squashfs.testing.ImageLayoutBuilder;
import io.oci2squashfs.testing.LayerBuilder;
import io.oci2squashfs.testing.Veritysetup;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Random;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * What an edge or VM pipeline boots: squashfs and erofs images with a dm-verity tree, each checked
 * by {@code veritysetup verify} (cryptsetup, an independent implementation) and made the same every
 * time.
 */
class BootOutputsIT {
  static final String GZIP = "application/vnd.oci.image.layer.v1.tar+gzip";

  @TempDir Path tmp;

  record Run(int code, String out, String err) {}

  @BeforeAll
  static void tools() {
    Tools.require("mksquashfs", "mkfs.erofs", "veritysetup");
  }

  static Run cli(String... args) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    int code = Main.run(new PrintWriter(out, true), new PrintWriter(err, true), args);
    return new Run(code, out.toString(), err.toString());
  }

  /** A few MiB over several layers, so that the tree has more than one level of hashes. */
  Path image() throws IOException {
    Random random = new Random(7);
    ImageLayoutBuilder b = ImageLayoutBuilder.oci();
    for (LayerBuilder l : OracleImages.kitchenSink()) {
      b.layer(l.gzip(), GZIP);
    }
    byte[] big = new byte[3 << 20];
    random.nextBytes(big);
    b.layer(layer().file("opt/big.bin", big, 0644, 0, 0).gzip(), GZIP);
    return b.writeTo(tmp.resolve("img"));
  }

  /** veritysetup's exit and words as one string, {@code 0:...} when it agreed. */
  static String veritysetup(String... args) throws IOException, InterruptedException {
    Veritysetup.Run r = Veritysetup.run(args);
    return r.exit() + ":" + r.output();
  }

  static String rootHash(Path output) throws IOException {
    String text = Files.readString(output.resolveSibling(output.getFileName() + ".roothash"));
    assertTrue(text.matches("[0-9a-f]{64}\n"), "roothash file: '" + text + "'");
    return text.trim();
  }

  @ParameterizedTest
  @ValueSource(strings = {"squashfs", "erofs"})
  void appendedTreeIsWhatVeritysetupVerifies(String format) throws Exception {
    Path image = image();
    Path out = tmp.resolve("rootfs." + format);
    Run r =
        cli("convert", "-q", "--json", "-i", image.toString(), "-o", out.toString(), "--verity");
    assertEquals(0, r.code(), r.err());
    JsonNode v = Json.MAPPER.readTree(r.out()).get("verity");
    String root = rootHash(out);
    assertEquals(root, v.get("rootHash").asText());
    long offset = v.get("hashOffset").asLong();
    assertEquals(0, offset % 4096);
    assertEquals(offset / 4096, v.get("dataBlocks").asLong());
    assertEquals("sha256", v.get("algorithm").asText());
    assertEquals(4096, v.get("dataBlockSize").asInt());
    assertTrue(Files.size(out) > offset, "the tree follows the filesystem");
    String ok =
        veritysetup("verify", out.toString(), out.toString(), root, "--hash-offset=" + offset);
    assertTrue(ok.startsWith("0:"), ok);
    String dump = veritysetup("dump", out.toString(), "--hash-offset=" + offset);
    assertTrue(dump.contains(v.get("salt").asText()), dump);
    assertTrue(dump.contains(v.get("uuid").asText()), dump);

    // the filesystem still mounts with the tree after it
    if (format.equals("erofs")) {
      assertTrue(ErofsMount.read(out, tmp.resolve("mnt")).byPath.containsKey("opt/big.bin"));
    } else {
      assertTrue(
          TreeSnapshot.ofSquashfs(out, tmp.resolve("unsquashed"))
              .byPath
              .containsKey("opt/big.bin"));
    }

    // one changed byte in the data, or in the tree, is refused
    Path data = tmp.resolve("data-changed." + format);
    Files.copy(out, data);
    Veritysetup.flipByte(data, offset / 2);
    String bad =
        veritysetup("verify", data.toString(), data.toString(), root, "--hash-offset=" + offset);
    assertFalse(bad.startsWith("0:"), "veritysetup took a changed data byte: " + bad);
    Path tree = tmp.resolve("tree-changed." + format);
    Files.copy(out, tree);
    Veritysetup.flipByte(tree, offset + 4096 + 17); // past the superblock, in the hashes
    String badTree =
        veritysetup("verify", tree.toString(), tree.toString(), root, "--hash-offset=" + offset);
    assertFalse(badTree.startsWith("0:"), "veritysetup took a changed tree byte: " + badTree);
  }

  @ParameterizedTest
  @ValueSource(strings = {"squashfs", "erofs"})
  void sidecarLeavesTheImageAsWithoutVerity(String format) throws Exception {
    Path image = image();
    Path plain = tmp.resolve("plain." + format);
    Path out = tmp.resolve("side." + format);
    assertEquals(
        0,
        cli("convert", "-q", "--reproducible", "-i", image.toString(), "-o", plain.toString())
            .code());
    Run r = cli("convert", "-q", "-i", image.toString(), "-o", out.toString(), "--verity=sidecar");
    assertEquals(0, r.code(), r.err());
    assertArrayEquals(
        Files.readAllBytes(plain), Files.readAllBytes(out), "image changed by --verity=sidecar");
    Path hash = tmp.resolve("side." + format + ".verity");
    String ok = veritysetup("verify", out.toString(), hash.toString(), rootHash(out));
    assertTrue(ok.startsWith("0:"), ok);
  }

  @ParameterizedTest
  @ValueSource(strings = {"squashfs", "erofs"})
  void sameImageSameRootHashAndBytes(String format) throws Exception {
    Path image = image();
    Path a = tmp.resolve("a." + format);
    Path b = tmp.resolve("b." + format);
    assertEquals(
        0, cli("convert", "-q", "-i", image.toString(), "-o", a.toString(), "--verity").code());
    Thread.sleep(1100); // a build time taken from the clock would now differ
    assertEquals(
        0, cli("convert", "-q", "-i", image.toString(), "-o", b.toString(), "--verity").code());
    assertEquals(rootHash(a), rootHash(b));
    assertArrayEquals(Files.readAllBytes(a), Files.readAllBytes(b), "tree included");

    Path salted = tmp.resolve("salted." + format);
    Run r =
        cli(
            "convert",
            "-q",
            "--json",
            "-i",
            image.toString(),
            "-o",
            salted.toString(),
            "--verity",
            "--verity-salt",
            "00112233445566778899aabbccddeeff");
    assertEquals(0, r.code(), r.err());
    assertEquals(
        "00112233445566778899aabbccddeeff",
        Json.MAPPER.readTree(r.out()).get("verity").get("salt").asText());
    assertNotEquals(rootHash(a), rootHash(salted));
  }

  @Test
  void erofsCompressorsAndBlockSize() throws Exception {
    Path image = image();
    for (String c : List.of("lz4", "lz4hc:12", "lzma:6", "deflate:4", "zstd:3", "none")) {
      Path out = tmp.resolve("c-" + c.replace(':', '-') + ".erofs");
      Run r = cli("convert", "-q", "-i", image.toString(), "-o", out.toString(), "-c", c);
      assertEquals(0, r.code(), c + ": " + r.err());
      TreeSnapshot t = ErofsMount.read(out, tmp.resolve("mnt"));
      assertEquals(3 << 20, t.byPath.get("opt/big.bin").size, c);
    }
    // 1 KiB blocks: the filesystem may end inside a 4 KiB verity block, which is padded
    Path small = tmp.resolve("b1k.erofs");
    Run r =
        cli(
            "convert",
            "-q",
            "--json",
            "-i",
            image.toString(),
            "-o",
            small.toString(),
            "-b",
            "1K",
            "--verity");
    assertEquals(0, r.code(), r.err());
    long offset = Json.MAPPER.readTree(r.out()).get("verity").get("hashOffset").asLong();
    String ok =
        veritysetup(
            "verify",
            small.toString(),
            small.toString(),
            rootHash(small),
            "--hash-offset=" + offset);
    assertTrue(ok.startsWith("0:"), ok);
    assertTrue(ErofsMount.read(small, tmp.resolve("mnt")).byPath.containsKey("opt/big.bin"));
  }

  @Test
  void erofsReproducibleAndMtime() throws Exception {
    Path image = image();
    Path a = tmp.resolve("a.erofs");
    Path b = tmp.resolve("b.erofs");
    assertEquals(
        0,
        cli("convert", "-q", "--reproducible", "-i", image.toString(), "-o", a.toString()).code());
    Thread.sleep(1100);
    assertEquals(
        0,
        cli("convert", "-q", "--reproducible", "-i", image.toString(), "-o", b.toString()).code());
    assertArrayEquals(Files.readAllBytes(a), Files.readAllBytes(b), "--reproducible erofs");
    Path m = tmp.resolve("m.erofs");
    assertEquals(
        0,
        cli("convert", "-q", "--mtime", "86400", "-i", image.toString(), "-o", m.toString())
            .code());
    TreeSnapshot t = ErofsMount.read(m, tmp.resolve("mnt"));
    for (var e : t.byPath.entrySet()) {
      assertEquals(86400L, e.getValue().mtime, "mtime of " + e.getKey());
    }
  }

  @Test
  void verityRefusesTarAndDirectoryAndLeavesNothing() throws Exception {
    Path image = image();
    Run tar =
        cli("convert", "-i", image.toString(), "-o", tmp.resolve("x.tar").toString(), "--verity");
    assertEquals(2, tar.code(), tar.err());
    assertTrue(tar.err().contains("--verity needs a squashfs or erofs output"), tar.err());
    Run salt =
        cli(
            "convert",
            "-i",
            image.toString(),
            "-o",
            tmp.resolve("x.squashfs").toString(),
            "--verity-salt",
            "zz",
            "--verity");
    assertEquals(2, salt.code(), salt.err());
    assertTrue(salt.err().contains("hex"), salt.err());
    try (Stream<Path> s = Files.list(tmp)) {
      assertEquals(List.of(tmp.resolve("img")), s.toList());
    }
  }

  @Test
  void existingRootHashFileIsNotReplacedWithoutForce() throws Exception {
    Path image = image();
    Path out = tmp.resolve("r.squashfs");
    Files.writeString(tmp.resolve("r.squashfs.roothash"), "keep\n");
    Run r = cli("convert", "-i", image.toString(), "-o", out.toString(), "--verity");
    assertEquals(1, r.code(), r.err());
    assertTrue(r.err().contains("r.squashfs.roothash"), r.err());
    assertFalse(Files.exists(out));
    assertEquals("keep\n", Files.readString(tmp.resolve("r.squashfs.roothash")));
    assertEquals(
        0,
        cli("convert", "-q", "-f", "-i", image.toString(), "-o", out.toString(), "--verity")
            .code());
    assertNotEquals("keep\n", Files.readString(tmp.resolve("r.squashfs.roothash")));
  }
}
