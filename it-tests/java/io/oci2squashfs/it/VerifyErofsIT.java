package io.oci2squashfs.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.oci2squashfs.convert.ConvertListener;
import io.oci2squashfs.convert.ConvertRequest;
import io.oci2squashfs.convert.Converter;
import io.oci2squashfs.convert.OutputFormat;
import io.oci2squashfs.image.json.Json;
import io.oci2squashfs.testing.ImageLayoutBuilder;
import io.oci2squashfs.testing.LayerBuilder;
import io.oci2squashfs.verify.CompareOptions;
import io.oci2squashfs.verify.Difference;
import io.oci2squashfs.verify.FilesystemImage;
import io.oci2squashfs.verify.Method;
import io.oci2squashfs.verify.Reference;
import io.oci2squashfs.verify.Verifier;
import io.oci2squashfs.verify.VerifyListener;
import io.oci2squashfs.verify.VerifyReport;
import io.oci2squashfs.verify.VerifyRequest;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * verify on erofs images: converted with {@code --format erofs} and checked against umoci's
 * unpacking, mounted with erofsfuse and extracted with fsck.erofs; and made with mkfs.erofs from a
 * tree with one of everything, each way of reading it equal to the tree, a change found.
 */
class VerifyErofsIT {
  @TempDir Path tmp;

  @BeforeAll
  static void tools() {
    Tools.require(
        "mkfs.erofs",
        "erofsfuse",
        "fsck.erofs",
        "dump.erofs",
        "fusermount3",
        "getfattr",
        "setfattr",
        "umoci");
    assertTrue(VerifyIT.isRoot(), "the erofs verify tests set owners and trusted.*: run as root");
  }

  /** A gzip OCI layout of {@code layers}, tagged latest. */
  Path layout(List<LayerBuilder> layers) throws Exception {
    ImageLayoutBuilder b = ImageLayoutBuilder.oci().tag("latest");
    Map<LayerBuilder, byte[]> blobs = new IdentityHashMap<>();
    for (LayerBuilder l : layers) {
      b.layer(blobs.computeIfAbsent(l, k -> k.compressed("gzip")), VerifyIT.GZIP);
    }
    return b.writeTo(tmp.resolve("layout"));
  }

  Path toErofs(Path layout) throws Exception {
    Path out = tmp.resolve("k.erofs");
    new Converter(ConvertListener.NONE)
        .convert(ConvertRequest.of(layout, out).withFormat(OutputFormat.EROFS));
    return out;
  }

  static void noMountPointLeft() throws Exception {
    try (Stream<Path> s = Files.list(Path.of(System.getProperty("java.io.tmpdir")))) {
      assertFalse(
          s.anyMatch(
              p ->
                  p.getFileName().toString().startsWith("oci2squashfs-mnt-")
                      || p.getFileName().toString().startsWith("oci2squashfs-erofs-")),
          "a mount point or extraction was left behind");
    }
  }

  @ParameterizedTest
  @EnumSource(
      value = Method.class,
      names = {"MOUNT", "EXTRACT"})
  void theKitchenSinkAsErofsEqualsItsUmociUnpacking(Method m) throws Exception {
    Path layout = layout(OracleImages.kitchenSink());
    Path erofs = toErofs(layout);
    VerifyIT.Run r =
        VerifyIT.cli(
            "verify", "-s", erofs.toString(), "-i", layout + ":latest", "--method", m.label());
    assertEquals(0, r.code(), r.out() + r.err());
    assertTrue(r.out().startsWith("equal (image "), r.out());
    assertTrue(r.out().contains("erofs read by " + m.label()), r.out());
    assertFalse(r.out().contains("verity"), r.out());
    noMountPointLeft();
  }

  @ParameterizedTest
  @EnumSource(
      value = Method.class,
      names = {"MOUNT", "EXTRACT"})
  void aConvertedImageEqualsItsUmociUnpackingAndAChangeIsFound(Method m) throws Exception {
    VerifyIT it = new VerifyIT();
    it.tmp = tmp;
    Path layout = it.convertedImage();
    Path erofs = toErofs(layout);
    VerifyIT.Run ok =
        VerifyIT.cli("verify", "-s", erofs.toString(), "-i", layout + ":v1", "--method", m.label());
    assertEquals(0, ok.code(), ok.out() + ok.err());

    // the same tree with one file changed, made into an erofs again
    Path tree = tmp.resolve("tree");
    VerifyIT.sh("fsck.erofs", "--extract=" + tree, "--xattrs", erofs.toString());
    Files.writeString(tree.resolve("etc/issue"), "HELLO\n");
    Path changed = tmp.resolve("changed.erofs");
    VerifyIT.sh("mkfs.erofs", "--quiet", changed.toString(), tree.toString());
    VerifyIT.Run r =
        VerifyIT.cli(
            "verify",
            "-s",
            changed.toString(),
            "-i",
            layout + ":v1",
            "--method",
            m.label(),
            "--json",
            "--ignore",
            "/usr/bin/ping"); // the extraction above lost its capability (fsck.erofs)
    assertEquals(3, r.code(), r.out() + r.err());
    JsonNode j = Json.MAPPER.readTree(r.out());
    assertEquals("erofs", j.get("format").asText());
    assertEquals(m.label(), j.get("method").asText());
    assertEquals(1, j.get("differences").size(), r.out());
    assertEquals("/etc/issue", j.get("differences").get(0).get("path").asText());
    assertEquals("content", j.get("differences").get(0).get("field").asText());
    noMountPointLeft();
  }

  /**
   * VerifyIT's tree with one of everything (devices, fifo, hard link, all xattr namespaces), mtimes
   * compared too.
   */
  VerifyReport verifyTree(Method m, boolean change) throws Exception {
    VerifyIT it = new VerifyIT();
    it.tmp = tmp;
    Path ref = it.baseTree(tmp.resolve("ref"));
    VerifyIT.sh("touch", "-h", "-d", "2001-02-03 04:05:06", ref.resolve("lib").toString());
    VerifyIT.sh("touch", "-d", "1999-12-31 23:59:59", ref.resolve("dev/null").toString());
    Path copy = tmp.resolve("copy");
    VerifyIT.sh("cp", "-a", ref.toString(), copy.toString());
    if (change) {
      Files.writeString(copy.resolve("etc/passwd"), "root:x:0:0::/root:/bin/SH\n");
      // the content alone changes: the write's own mtime would differ whenever a second passed
      VerifyIT.sh(
          "touch",
          "-r",
          ref.resolve("etc/passwd").toString(),
          copy.resolve("etc/passwd").toString());
      VerifyIT.sh("chmod", "4755", copy.resolve("bin/ping").toString()); // keeps the capability
    }
    Path image = tmp.resolve("tree.erofs");
    VerifyIT.sh("mkfs.erofs", "--quiet", image.toString(), copy.toString());
    assertEquals(FilesystemImage.Format.EROFS, FilesystemImage.probe(image).format());
    return new Verifier(VerifyListener.NONE)
        .verify(
            VerifyRequest.of(image, Reference.directory(ref))
                .withMethod(m)
                .withOptions(CompareOptions.DEFAULT.withMtime(true)));
  }

  static List<String> lines(VerifyReport r) {
    List<String> out = new ArrayList<>();
    for (Difference d : r.differences()) {
      out.add(
          d.change().sign() + " " + d.path() + (d.field() == null ? "" : ": " + d.fieldLabel()));
    }
    return out;
  }

  @ParameterizedTest
  @EnumSource(
      value = Method.class,
      names = {"MOUNT", "EXTRACT", "UNSQUASHFS"})
  void everyKindOfEntryReadsBackEqual(Method m) throws Exception {
    VerifyReport r = verifyTree(m, false);
    assertEquals(List.of(), lines(r), r.notes().toString());
    assertEquals(FilesystemImage.Format.EROFS, r.format());
    assertEquals(m == Method.MOUNT ? Method.MOUNT : Method.EXTRACT, r.method());
    if (m != Method.MOUNT) {
      // the corrections of fsck.erofs's lost xattrs are said
      assertTrue(
          r.notes().stream().anyMatch(n -> n.contains("security.capability")),
          r.notes().toString());
      assertTrue(r.notes().stream().anyMatch(n -> n.contains("empty xattr")), r.notes().toString());
    }
    noMountPointLeft();
  }

  @ParameterizedTest
  @EnumSource(
      value = Method.class,
      names = {"MOUNT", "EXTRACT"})
  void aChangedFileIsFound(Method m) throws Exception {
    assertEquals(
        List.of("~ /bin/ping: mode", "~ /etc/passwd: content"), lines(verifyTree(m, true)));
  }
}
