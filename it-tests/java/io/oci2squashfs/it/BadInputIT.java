package io.oci2squashfs.it;

import static io.oci2squashfs.tar.RawTar.header;
import static io.oci2squashfs.tar.RawTar.record;
import static io.oci2squashfs.testing.LayerBuilder.layer;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.oci2squashfs.cli.Main;
import io.oci2squashfs.image.Digest;
import io.oci2squashfs.layer.MediaTypes;
import io.oci2squashfs.tar.RawTar;
import io.oci2squashfs.testing.ImageLayoutBuilder;
import io.oci2squashfs.testing.LayoutEditor;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Bad input, built case by case, through the whole command line with the real mksquashfs. Every
 * case must fail (or, where the merge rules say to drop an entry, warn) with one line naming the
 * file, layer and entry at fault, and leave nothing behind: no output, no temporary file beside it,
 * no mksquashfs process, no mount. Cases that need signals or a separate JVM are in {@link
 * InterruptIT}.
 */
class BadInputIT {
  static final String GZIP = MediaTypes.OCI_LAYER_GZIP;
  static final String TAR = MediaTypes.OCI_LAYER;

  @TempDir Path tmp;

  @BeforeAll
  static void tools() {
    Tools.require("mksquashfs", "unsquashfs");
  }

  /** One run: the exit code, stderr, and the directory the output was to be written to. */
  record Run(int code, String err, Path outDir, Path out) {
    String errorLine() {
      List<String> errors = err.lines().filter(l -> l.startsWith("oci2squashfs: error: ")).toList();
      assertEquals(1, errors.size(), "exactly one error line: " + err);
      return errors.get(0);
    }
  }

  Run convert(Path image, String... extra) throws Exception {
    Path outDir = Files.createDirectories(tmp.resolve("out-" + System.nanoTime()));
    return convertTo(image, outDir.resolve("image.squashfs"), extra);
  }

  static Run convertTo(Path image, Path out, String... extra) {
    return convertTo(true, image, out, extra);
  }

  /** Without {@code quiet}, warnings are printed too. */
  static Run convertTo(boolean quiet, Path image, Path out, String... extra) {
    List<String> args =
        new ArrayList<>(List.of("convert", "-i", image.toString(), "-o", out.toString()));
    if (quiet) {
      args.add("-q");
    }
    args.addAll(Arrays.asList(extra));
    StringWriter err = new StringWriter();
    int code =
        Main.run(
            new PrintWriter(new StringWriter(), true),
            new PrintWriter(err, true),
            args.toArray(String[]::new));
    return new Run(code, err.toString(), out.getParent(), out);
  }

  /**
   * Asserts a clean failure: exit 1, one error line holding every fragment, no stack trace, and
   * nothing left behind.
   */
  static String assertFails(Run r, String... fragments) throws Exception {
    assertEquals(1, r.code(), r.err());
    String line = r.errorLine();
    for (String f : fragments) {
      assertTrue(line.contains(f), "the error names '" + f + "': " + line);
    }
    assertFalse(r.err().contains("\tat "), "no stack trace: " + r.err());
    assertFalse(r.err().contains("looks like a bug"), r.err());
    assertNothingLeft(r.outDir());
    return line;
  }

  /** No file in the output's directory, no process and no mount naming it. */
  static void assertNothingLeft(Path outDir) throws Exception {
    try (Stream<Path> s = Files.list(outDir)) {
      assertEquals(List.of(), s.toList(), "files left in the output's directory");
    }
    Leftovers.assertNone(outDir);
  }

  static Path oci(Path dir, byte[]... gzipLayers) throws Exception {
    ImageLayoutBuilder b = ImageLayoutBuilder.oci();
    for (byte[] l : gzipLayers) {
      b.layer(l, GZIP);
    }
    return b.writeTo(dir);
  }

  static String hex12(byte[] blob) {
    return Digest.sha256(blob).hex().substring(0, 12);
  }

  // ---- the image's files

  @Test
  void missingLayerBlob() throws Exception {
    byte[] blob = layer().file("f", "x").gzip();
    Path image = oci(tmp.resolve("img"), layer().file("base", "x").gzip(), blob);
    Files.delete(image.resolve(Digest.sha256(blob).blobPath()));
    assertFails(convert(image), "layer 1", hex12(blob), "missing");
  }

  @Test
  void missingConfigBlob() throws Exception {
    ImageLayoutBuilder b = ImageLayoutBuilder.oci();
    b.layer(layer().file("f", "x").gzip(), GZIP);
    Path image = b.writeTo(tmp.resolve("img"));
    Files.delete(image.resolve(b.own().configDigest().blobPath()));
    assertFails(convert(image), "config", b.own().configDigest().hex().substring(0, 12), "missing");
  }

  @ParameterizedTest
  @ValueSource(strings = {"gzip", "zstd", "xz", "bzip2"})
  void truncatedCompressedLayer(String kind) throws Exception {
    // big enough that the cut lies beyond what the readers buffer ahead (and beyond bzip2's first
    // 900 KB block), so it is met inside the entry's data
    byte[] big = new byte[2 << 20];
    new Random(7).nextBytes(big);
    byte[] tar = layer().file("before", "x").file("big", big, 0644, 0, 0).file("after", "y").tar();
    byte[] whole =
        layer()
            .file("before", "x")
            .file("big", big, 0644, 0, 0)
            .file("after", "y")
            .compressed(kind);
    byte[] cut = Arrays.copyOf(whole, whole.length * 2 / 3);
    String type = TAR + "+" + kind;
    Path image =
        ImageLayoutBuilder.oci()
            .layer(layer().file("ok", "x").gzip(), GZIP)
            .layer(cut, type, Digest.sha256(tar))
            .writeTo(tmp.resolve("img"));
    String line = assertFails(convert(image), "layer 1/2", hex12(cut), "entry big");
    assertTrue(line.contains("truncated"), line);
  }

  @Test
  void layerBlobWithAWrongDigest() throws Exception {
    byte[] blob = layer().file("f", "some content").tar();
    Path image = ImageLayoutBuilder.oci().layer(blob, TAR).writeTo(tmp.resolve("img"));
    Path file = image.resolve(Digest.sha256(blob).blobPath());
    byte[] bytes = Files.readAllBytes(file);
    bytes[512 + 2] ^= 1;
    Files.write(file, bytes);
    assertFails(convert(image), "layer 0/1", hex12(blob), "does not match its digest");
  }

  @Test
  void layerBlobWithAWrongSize() throws Exception {
    byte[] blob = layer().file("f", "x").gzip();
    Path image = oci(tmp.resolve("img"), blob);
    LayoutEditor.of(image)
        .editDescriptors(Digest.sha256(blob), d -> d.put("size", blob.length + 1));
    assertFails(convert(image), "layer 0", hex12(blob), "bytes");
  }

  @Test
  void configBlobWithAWrongDigest() throws Exception {
    ImageLayoutBuilder b = ImageLayoutBuilder.oci();
    b.layer(layer().file("f", "x").gzip(), GZIP);
    Path image = b.writeTo(tmp.resolve("img"));
    Path config = image.resolve(b.own().configDigest().blobPath());
    byte[] bytes = Files.readAllBytes(config);
    bytes[bytes.length - 2] = bytes[bytes.length - 2] == ' ' ? (byte) '\n' : (byte) ' ';
    Files.write(config, bytes);
    assertFails(convert(image), "config", b.own().configDigest().hex().substring(0, 12), "digest");
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "",
        "{",
        "[]",
        "{\"manifests\": 5}",
        "{\"manifests\": [{\"digest\": 7}]}",
        "{\"manifests\": [{\"digest\": \"sha256:zz\", \"size\": 1}]}",
        "null",
        "\"text\""
      })
  void badIndexJson(String json) throws Exception {
    Path image = oci(tmp.resolve("img"), layer().file("f", "x").gzip());
    Files.writeString(image.resolve("index.json"), json);
    assertFails(convert(image), "index.json");
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "",
        "{",
        "[1]",
        "{\"layers\": {}}",
        "{\"config\": \"x\", \"layers\": []}",
        "{\"schemaVersion\": 2, \"config\": {\"digest\": \"sha256:" + "00" + "\"}, \"layers\": []}",
        "{\"schemaVersion\": 2, \"config\": {\"size\": -5}, \"layers\": [{\"size\": \"big\"}]}"
      })
  void badManifest(String json) throws Exception {
    ImageLayoutBuilder b = ImageLayoutBuilder.oci();
    b.layer(layer().file("f", "x").gzip(), GZIP);
    Path image = b.writeTo(tmp.resolve("img"));
    Digest now =
        LayoutEditor.of(image).replaceBlob(b.own().digest(), json.getBytes(StandardCharsets.UTF_8));
    assertFails(convert(image), "manifest", now.hex().substring(0, 12));
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "",
        "{",
        "[]",
        "{\"rootfs\": 1}",
        "{\"rootfs\": {\"diff_ids\": \"x\"}}",
        "{\"rootfs\": {\"type\": \"layers\", \"diff_ids\": [\"sha256:short\"]}}",
        "{\"rootfs\": {\"type\": \"layers\", \"diff_ids\": [\"sha256:short\", \"sha256:two\"]}}"
      })
  void badConfig(String json) throws Exception {
    ImageLayoutBuilder b = ImageLayoutBuilder.oci();
    b.layer(layer().file("f", "x").gzip(), GZIP);
    Path image = b.writeTo(tmp.resolve("img"));
    Digest now =
        LayoutEditor.of(image)
            .replaceBlob(b.own().configDigest(), json.getBytes(StandardCharsets.UTF_8));
    assertFails(convert(image), "config", now.hex().substring(0, 12));
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "",
        "{",
        "{}",
        "[{\"Config\": 5}]",
        "[{\"Config\": \"c.json\", \"Layers\": \"x\"}]",
        "[{\"Config\": \"../c.json\", \"Layers\": []}]"
      })
  void badDockerManifestJson(String json) throws Exception {
    Path image =
        ImageLayoutBuilder.dockerSave()
            .layer(layer().file("f", "x").tar(), null)
            .writeTo(tmp.resolve("img"));
    Files.writeString(image.resolve("manifest.json"), json);
    assertFails(convert(image), "manifest.json");
  }

  @Test
  void unknownLayerMediaType() throws Exception {
    byte[] blob = layer().file("f", "x").gzip();
    Path image =
        ImageLayoutBuilder.oci()
            .layer(blob, "application/x-no-such-layer")
            .writeTo(tmp.resolve("img"));
    assertFails(convert(image), "layer 0", hex12(blob), "application/x-no-such-layer");
  }

  // ---- hostile tar entries

  Run convertLayer(byte[] tar) throws Exception {
    return convertLayer(tar, true);
  }

  Run convertLayer(byte[] tar, boolean quiet) throws Exception {
    Path image =
        ImageLayoutBuilder.oci()
            .layer(layer().file("base", "x").gzip(), GZIP)
            .layer(tar, TAR)
            .writeTo(tmp.resolve("img-" + System.nanoTime()));
    Path outDir = Files.createDirectories(tmp.resolve("out-" + System.nanoTime()));
    return convertTo(quiet, image, outDir.resolve("image.squashfs"));
  }

  @Test
  void dotDotEntry() throws Exception {
    byte[] tar =
        layer().file("ok", "x").file("x", "evil").rawName(bytes("a/../../etc/passwd")).tar();
    assertFails(convertLayer(tar), "layer 1/2", hex12(tar), "a/../../etc/passwd", "..");
  }

  @Test
  void dotDotHardLinkTarget() throws Exception {
    byte[] tar = layer().file("ok", "x").hardlink("link", "../../etc/shadow").tar();
    assertFails(convertLayer(tar), "layer 1/2", hex12(tar), "link", "..");
  }

  @Test
  void hugePaxLength() throws Exception {
    byte[] tar =
        RawTar.tar()
            .entry(header("ok", '0').size(1), bytes("x"))
            .pax('x', bytes("99999999999999999999 path=a\n"))
            .entry(header("victim", '0'))
            .end();
    assertFails(convertLayer(tar), "layer 1/2", hex12(tar), "PAX");
  }

  @Test
  void paxHeaderLargerThanAllowed() throws Exception {
    byte[] tar =
        RawTar.tar()
            .entry(header("ok", '0').size(1), bytes("x"))
            .entry(header("PaxHeaders/huge", 'x').size(1L << 32))
            .end();
    assertFails(convertLayer(tar), "layer 1/2", hex12(tar), "PAX");
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "size=-1",
        "size=abc",
        "size=99999999999999999999",
        "uid=-3",
        "gid=1x",
        "mtime=nan",
        "mtime=1e99",
        "mtime=--1",
        "SCHILY.devmajor=-1",
        "GNU.sparse.map=1,2,3"
      })
  void badPaxNumbers(String recordText) throws Exception {
    int eq = recordText.indexOf('=');
    byte[] tar =
        RawTar.tar()
            .entry(header("ok", '0').size(1), bytes("x"))
            .pax('x', record(recordText.substring(0, eq), recordText.substring(eq + 1)))
            .entry(header("victim", recordText.startsWith("SCHILY") ? '3' : '0'))
            .end();
    Run r = convertLayer(tar);
    String line = assertFails(r, "layer 1/2", hex12(tar));
    assertTrue(line.contains("victim"), "names the entry: " + line);
    assertFalse(line.contains("entry ok"), "blames the entry before: " + line);
  }

  @ParameterizedTest
  @ValueSource(strings = {"size", "uid", "mtime", "mode", "devmajor"})
  void badHeaderNumbers(String field) throws Exception {
    RawTar.Header h = header("victim", '0');
    int off =
        switch (field) {
          case "size" -> 124;
          case "uid" -> 108;
          case "mtime" -> 136;
          case "mode" -> 100;
          default -> 329;
        };
    h.field(off, 8, bytes("9x9x9x9"));
    byte[] tar = RawTar.tar().entry(header("ok", '0').size(1), bytes("x")).entry(h).end();
    assertFails(convertLayer(tar), "layer 1/2", hex12(tar), field);
  }

  @Test
  void negativeBase256Size() throws Exception {
    byte[] tar =
        RawTar.tar()
            .entry(header("ok", '0').size(1), bytes("x"))
            .entry(header("victim", '0').base256(124, 12, -512))
            .end();
    assertFails(convertLayer(tar), "layer 1/2", hex12(tar), "negative size");
  }

  @Test
  void emptyName() throws Exception {
    byte[] tar =
        RawTar.tar().entry(header("ok", '0').size(1), bytes("x")).entry(header("", '0')).end();
    assertFails(convertLayer(tar), "layer 1/2", hex12(tar), "empty");
  }

  @Test
  void emptyPaxPathOverAnEmptyName() throws Exception {
    byte[] tar =
        RawTar.tar()
            .entry(header("ok", '0').size(1), bytes("x"))
            .pax('x', record("path", ""))
            .entry(header("", '0'))
            .end();
    assertFails(convertLayer(tar), "layer 1/2", hex12(tar), "empty");
  }

  @Test
  void nulInAName() throws Exception {
    byte[] tar =
        RawTar.tar()
            .entry(header("ok", '0').size(1), bytes("x"))
            .pax('x', record("path", "a\0b"))
            .entry(header("victim", '0'))
            .end();
    assertFails(convertLayer(tar), "layer 1/2", hex12(tar), "NUL");
  }

  @Test
  void tenThousandLevelPath() throws Exception {
    String deep = "d/".repeat(10_000) + "f";
    byte[] tar = layer().file("ok", "x").file(deep, "deep").tar();
    Run r = convertLayer(tar);
    assertFails(r, "layer 1/2", hex12(tar), "d/d/d/");
  }

  @Test
  void hardLinkToADirectoryIsDroppedWithAWarning() throws Exception {
    byte[] tar = layer().dir("dir").file("dir/f", "x").hardlink("link", "dir").tar();
    Run r = convertLayer(tar, false);
    assertEquals(0, r.code(), r.err());
    String warning = r.err().lines().filter(l -> l.contains("link")).findFirst().orElse("");
    assertTrue(warning.contains("layer 1/2") && warning.contains("directory"), r.err());
    SquashfsContents.read(r.out()).absent("link").file("dir/f", "x");
    try (Stream<Path> s = Files.list(r.outDir())) {
      assertEquals(List.of(r.out()), s.toList(), "only the output");
    }
    Leftovers.assertNone(r.outDir());
  }

  @Test
  void hardLinkCycleIsDroppedWithAWarning() throws Exception {
    byte[] tar =
        layer()
            .hardlink("a", "b")
            .hardlink("b", "a")
            .hardlink("self", "self")
            .file("ok", "x")
            .tar();
    Run r = convertLayer(tar, false);
    assertEquals(0, r.code(), r.err());
    for (String name : List.of("a", "b", "self")) {
      assertTrue(
          r.err().lines().anyMatch(l -> l.contains("layer 1/2") && l.contains(": " + name + ":")),
          "warns about " + name + ": " + r.err());
    }
    SquashfsContents.read(r.out()).absent("a").absent("b").absent("self").file("ok", "x");
    Leftovers.assertNone(r.outDir());
  }

  // ---- the output

  @Test
  void outputThatIsADirectory() throws Exception {
    Path image = oci(tmp.resolve("img"), layer().file("f", "x").gzip());
    Path outDir = Files.createDirectories(tmp.resolve("out"));
    Path target = Files.createDirectory(outDir.resolve("image.squashfs"));
    // an existing directory alone now asks for --format dir; a squashfs cannot be written there
    Run r = convertTo(image, target, "--format", "squashfs");
    assertEquals(1, r.code(), r.err());
    assertTrue(
        r.errorLine().contains(target.toString()) && r.errorLine().contains("directory"), r.err());
    try (Stream<Path> s = Files.list(outDir)) {
      assertEquals(List.of(target), s.toList());
    }
    Leftovers.assertNone(outDir);
  }

  @Test
  void existingOutputIsKeptWithoutForce() throws Exception {
    Path image = oci(tmp.resolve("img"), layer().file("f", "x").gzip());
    Path outDir = Files.createDirectories(tmp.resolve("out"));
    Path target = Files.writeString(outDir.resolve("image.squashfs"), "precious");
    Run r = convertTo(image, target);
    assertEquals(1, r.code(), r.err());
    assertTrue(r.errorLine().contains("--force"), r.err());
    assertEquals("precious", Files.readString(target));
  }

  @Test
  void unwritableOutputDirectory() throws Exception {
    Path image = oci(tmp.resolve("img"), layer().file("f", "x").gzip());
    try (SmallTmpfs fs = SmallTmpfs.mount(tmp.resolve("ro"), "1m", true)) {
      Run r = convertTo(image, fs.dir().resolve("image.squashfs"));
      assertFails(r, fs.dir().toString());
    }
  }

  @Test
  void fullFilesystem() throws Exception {
    byte[] noise = new byte[4 << 20];
    new Random(3).nextBytes(noise);
    Path image =
        ImageLayoutBuilder.oci()
            .layer(layer().file("noise", noise, 0644, 0, 0).tar(), TAR)
            .writeTo(tmp.resolve("img"));
    try (SmallTmpfs fs = SmallTmpfs.mount(tmp.resolve("small"), "1m", false)) {
      Run r = convertTo(image, fs.dir().resolve("image.squashfs"));
      String line = assertFails(r, "mksquashfs");
      assertTrue(line.toLowerCase().contains("no space"), line);
    }
  }

  // ---- mksquashfs

  @Test
  void mksquashfsMissing() throws Exception {
    Path image = oci(tmp.resolve("img"), layer().file("f", "x").gzip());
    Run r = convert(image, "--mksquashfs", tmp.resolve("no-such-mksquashfs").toString());
    assertFails(r, "no-such-mksquashfs");
    assertTrue(r.err().contains("hint: "), r.err());
  }

  @Test
  void mksquashfsTooOld() throws Exception {
    Path image = oci(tmp.resolve("img"), layer().file("f", "x").gzip());
    Path old = script("old-mksquashfs", "echo 'mksquashfs version 4.5.1 (2022/03/17)'");
    Run r = convert(image, "--mksquashfs", old.toString());
    assertFails(r, "4.5.1");
  }

  @Test
  void mksquashfsKilledMidRun() throws Exception {
    // a layer big enough that mksquashfs is still busy when it is found and killed
    byte[] noise = new byte[48 << 20];
    new Random(5).nextBytes(noise);
    Path image =
        ImageLayoutBuilder.oci()
            .layer(layer().file("noise", noise, 0644, 0, 0).tar(), TAR)
            .writeTo(tmp.resolve("img"));
    Path outDir = Files.createDirectories(tmp.resolve("out"));
    Thread killer =
        new Thread(
            () -> {
              long deadline = System.nanoTime() + 60_000_000_000L;
              while (System.nanoTime() < deadline) {
                List<ProcessHandle> found = Leftovers.processesNaming(outDir);
                if (!found.isEmpty()) {
                  found.forEach(ProcessHandle::destroyForcibly);
                  return;
                }
                Thread.onSpinWait();
              }
            });
    killer.start();
    Run r =
        convertTo(
            image, outDir.resolve("image.squashfs"), "--mksquashfs", Tools.path("mksquashfs"));
    killer.join();
    assertFails(r, "mksquashfs");
    assertTrue(r.errorLine().contains("137") || r.errorLine().contains("killed"), r.errorLine());
  }

  Path script(String name, String body) throws Exception {
    Path s = tmp.resolve(name);
    Files.writeString(s, "#!/bin/sh\n" + body + "\n");
    Files.setPosixFilePermissions(s, PosixFilePermissions.fromString("rwxr-xr-x"));
    return s;
  }

  static byte[] bytes(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }
}
