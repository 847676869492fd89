package io.oci2squashfs.it;

import static io.oci2squashfs.testing.LayerBuilder.layer;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.oci2squashfs.convert.ConvertListener;
import io.oci2squashfs.convert.ConvertRequest;
import io.oci2squashfs.convert.ConvertResult;
import io.oci2squashfs.convert.Converter;
import io.oci2squashfs.sink.MksquashfsOptions;
import io.oci2squashfs.testing.ImageLayoutBuilder;
import io.oci2squashfs.testing.LayerBuilder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The semantics doc's rows, end to end: layers built as real tar blobs, written as an OCI layout,
 * converted with the real mksquashfs, and the squashfs read back with unsquashfs.
 */
class ConvertIT {
  static final String TAR = "application/vnd.oci.image.layer.v1.tar";
  static final String GZIP = "application/vnd.oci.image.layer.v1.tar+gzip";

  @TempDir Path tmp;

  final List<String> warnings = new ArrayList<>();

  @BeforeAll
  static void tools() {
    Tools.require("mksquashfs", "unsquashfs");
  }

  /** Converts layers (base first), each gzip-compressed, and reads the image back. */
  SquashfsContents convert(LayerBuilder... layers) throws Exception {
    ImageLayoutBuilder b = ImageLayoutBuilder.oci();
    for (LayerBuilder l : layers) {
      b.layer(l.gzip(), GZIP);
    }
    return convertImage(b.writeTo(tmp.resolve("image")), MksquashfsOptions.DEFAULT);
  }

  SquashfsContents convertImage(Path image, MksquashfsOptions options) throws Exception {
    Path out = tmp.resolve("out-" + System.nanoTime() + ".squashfs");
    ConvertResult r =
        new Converter(
                new ConvertListener() {
                  @Override
                  public void warning(String message) {
                    warnings.add(message);
                  }
                })
            .convert(ConvertRequest.of(image, out).withSquashfs(options));
    assertEquals(Files.size(out), r.outputBytes());
    return SquashfsContents.read(out);
  }

  void warned(String fragment) {
    assertTrue(
        warnings.stream().anyMatch(w -> w.contains(fragment)),
        "expected a warning with '" + fragment + "'; got " + warnings);
  }

  @Test
  void pathSpellingsAreOnePath() throws Exception {
    convert(layer().file("/a/b", "old"), layer().file("./a//./b", "new").dir("./a/", 0700))
        .paths("a", "a/b")
        .file("a/b", "new")
        .dir("a", 0700, 0, 0);
  }

  // a symlink target with a 300-byte component failed the conversion with "NAME_MAX" (issue 15):
  // a target is data; mksquashfs 4.6.1 writes it and umoci keeps it
  @Test
  void symlinkTargetsWithLongComponentsAreKept() throws Exception {
    String target = "t".repeat(300);
    String deep = "/" + "u".repeat(256) + "/" + "v".repeat(1000);
    convert(layer().symlink("ls", target).symlink("d/deep", deep), layer().file("d/f", "x"))
        .symlink("ls", target)
        .symlink("d/deep", deep)
        .file("d/f", "x");
  }

  @Test
  void rootAttributesComeFromTheNewestRootEntry() throws Exception {
    SquashfsContents s =
        convert(
            layer().dir(".", 0700).file("f", "x"),
            layer().entry(dirHeader(".", 0750, 5, 6, 1_600_000_000L), null).file("g", "y"));
    s.attrs("", 0750, 5, 6, 1_600_000_000L).paths("f", "g");
  }

  @Test
  void rootEntryThatIsNotFirstInItsLayerStillGivesTheRootItsAttributes() throws Exception {
    convert(layer().file("a", "a").entry(dirHeader(".", 0700, 5, 6, 1_700_000_000L), null))
        .attrs("", 0700, 5, 6, 1_700_000_000L)
        .paths("a");
    warned("not the layer's first entry");
  }

  @Test
  void rootEntryXattrsAreCarried() throws Exception {
    byte[] binary = {0, (byte) 0xff, '\n', '=', ' '};
    convert(layer().dir(".", 0750).xattr("user.root", binary).file("a", "a"))
        .xattr("", "user.root", binary)
        .dir("", 0750, 0, 0);
  }

  @Test
  void rootWithoutRootEntryIs0755Root() throws Exception {
    convert(layer().file("f", "x")).dir("", 0755, 0, 0);
  }

  @Test
  void longNamesAndLongLinkTargetsSurviveWhole() throws Exception {
    String dir = "d".repeat(150) + "/" + "e".repeat(120);
    String name = dir + "/" + "f".repeat(200);
    String target = "/t".repeat(90);
    convert(layer().file(name, "long").symlink("s", target).hardlink("h", name))
        .file(name, "long")
        .symlink("s", target)
        .sameInode("h", name);
  }

  @Test
  void nonUtf8NamesRoundTrip() throws Exception {
    byte[] raw = {'c', 'a', 'f', (byte) 0xe9};
    convert(layer().file("placeholder", "x").rawName(raw))
        .type(new String(raw, StandardCharsets.ISO_8859_1), 'R');
  }

  @Test
  void whiteoutsOpaqueAndAufsMetadata() throws Exception {
    convert(
            layer()
                .dir("d")
                .file("d/f", "x")
                .dir("o", 0700)
                .file("o/old", "o")
                .file("keep", "k")
                .file("plnk", "p"),
            layer()
                .whiteout("d")
                .file("o/new", "n")
                .opaque("o")
                .file(".wh..wh.plnk", "")
                .dir(".wh..wh.plnk")
                .file(".wh..wh.plnk/1.2", "meta")
                .whiteout("never"))
        .paths("keep", "plnk", "o", "o/new")
        .dir("o", 0700, 0, 0);
  }

  @Test
  void whiteoutAndEntryOfOneNameInOneLayerKeepTheEntry() throws Exception {
    convert(layer().file("a", "old"), layer().whiteout("a").file("a", "new")).file("a", "new");
  }

  @Test
  void whiteoutStoredAsHardLinkOrWithContent() throws Exception {
    convert(
            layer().file("a", "x").file("b", "y").file("t", "t"),
            layer().hardlink(".wh.a", "t").file(".wh.b", "content"))
        .paths("t");
  }

  @Test
  void whiteoutThenReAddInANewerLayer() throws Exception {
    convert(layer().file("a", "0"), layer().whiteout("a"), layer().file("a", "2")).file("a", "2");
  }

  @Test
  void whiteoutOfDirAndChildInOneLayerGiveAFreshDirectory() throws Exception {
    convert(layer().dir("b", 0700).file("b/old", "o"), layer().file("b/c", "c").whiteout("b"))
        .paths("b", "b/c")
        .dir("b", 0755, 0, 0);
  }

  @Test
  void replacingWithoutWhiteouts() throws Exception {
    convert(
            layer()
                .dir("dd", 0700)
                .file("dd/a", "a")
                .file("fd", "file")
                .symlink("sd", "x")
                .dir("nd")
                .file("nd/a", "a")
                .dir("nd/sub")
                .file("nd/sub/b", "b")
                .file("nn", "old"),
            layer()
                .dir("dd", 0750)
                .file("dd/b", "b")
                .dir("fd")
                .file("fd/x", "x")
                .dir("sd")
                .symlink("nd", "/elsewhere")
                .file("nn", "new"))
        .paths("dd", "dd/a", "dd/b", "fd", "fd/x", "sd", "nd", "nn")
        .dir("dd", 0750, 0, 0)
        .type("fd", 'D')
        .type("sd", 'D')
        .symlink("nd", "/elsewhere")
        .file("nn", "new");
  }

  @Test
  void childWithoutParentEntryOverLowerFileMakesADirectory() throws Exception {
    convert(layer().file("p", "file").fifo("q"), layer().file("p/child", "c").file("q/child", "c"))
        .paths("p", "p/child", "q", "q/child")
        .dir("p", 0755, 0, 0)
        .type("q", 'D');
    warned("p");
  }

  @Test
  void childOverLowerSymlinkGoesThroughItAsRuntimesDo() throws Exception {
    convert(
            layer().dir("usr").dir("usr/lib").symlink("lib", "usr/lib"),
            layer().file("lib/x.so", "x"))
        .symlink("lib", "usr/lib")
        .file("usr/lib/x.so", "x")
        .paths("usr", "usr/lib", "usr/lib/x.so", "lib");
    warned("usr/lib");
  }

  @Test
  void directoryAttributesFromAnOlderLayerThanItsChildren() throws Exception {
    convert(
            layer().entry(dirHeader("d", 0711, 4, 5, 1_500_000_000L), null),
            layer().file("d/x", "x"))
        .attrs("d", 0711, 4, 5, 1_500_000_000L);
  }

  @Test
  void implicitDirectoriesAre0755Root() throws Exception {
    convert(layer().file("a/b/c", "x").owner(7, 7)).dir("a", 0755, 0, 0).dir("a/b", 0755, 0, 0);
  }

  @Test
  void hardLinkSurvivingTargetSharesAnInode() throws Exception {
    convert(layer().file("t", "data"), layer().hardlink("l", "/t").hardlink("m", "./t"))
        .sameInode("l", "t")
        .sameInode("m", "t");
  }

  @Test
  void hardLinkToAWhitedOutTargetKeepsOldContentAndMetadata() throws Exception {
    convert(
            layer()
                .file("t", "old".getBytes(StandardCharsets.UTF_8), 0750, 3, 4)
                .hardlink("l", "t"),
            layer().whiteout("t"))
        .paths("l")
        .file("l", "old")
        .attrs("l", 0750, 3, 4, 0);
  }

  @Test
  void hardLinkToAnOverwrittenTargetSplitsTheInode() throws Exception {
    convert(layer().file("t", "old"), layer().hardlink("l", "t"), layer().file("t", "new"))
        .file("l", "old")
        .file("t", "new")
        .distinctInodes("l", "t");
  }

  @Test
  void hardLinkToATargetEarlierInItsOwnLayerThatIsOverwritten() throws Exception {
    byte[] big = new byte[3 << 20];
    for (int i = 0; i < big.length; i++) {
      big[i] = (byte) (i * 31 + (i >> 12));
    }
    convert(
            layer().file("t", big, 0644, 0, 0).hardlink("l1", "t").hardlink("l2", "t"),
            layer().file("t", "new"))
        .fileBytes("l1", big)
        .sameInode("l1", "l2")
        .file("t", "new");
  }

  @Test
  void severalLinksToAVanishedTargetAreOneInode() throws Exception {
    convert(
            layer().file("t", "x").hardlink("a", "t"),
            layer().hardlink("b", "t"),
            layer().whiteout("t"))
        .paths("a", "b")
        .sameInode("a", "b")
        .file("a", "x");
  }

  @Test
  void hardLinkWithoutTargetIsDroppedWithAWarning() throws Exception {
    convert(layer().file("x", "x"), layer().hardlink("l", "missing")).paths("x");
    warned("missing");
  }

  @Test
  void samePathTwiceInOneLayerTheLaterWins() throws Exception {
    convert(
            layer().file("a", "first").dir("d", 0700).file("d/x", "x"),
            layer().file("b", "first").file("b", "second").dir("d", 0750))
        .paths("a", "b", "d", "d/x")
        .file("b", "second")
        .dir("d", 0750, 0, 0);
    warned("more than once");
    warned("reading the image again");
  }

  @Test
  void sameLayerBlobListedTwice() throws Exception {
    byte[] blob = layer().dir("d").file("d/f", "x").hardlink("d/h", "d/f").gzip();
    Path image =
        ImageLayoutBuilder.oci().layer(blob, GZIP).layer(blob, GZIP).writeTo(tmp.resolve("img"));
    convertImage(image, MksquashfsOptions.DEFAULT).paths("d", "d/f", "d/h").sameInode("d/f", "d/h");
  }

  @Test
  void attributesModesOwnersXattrsDevicesAndTimes() throws Exception {
    byte[] cap = {1, 0, 0, 2, (byte) 0x80, 0x20, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0};
    byte[] binary = {0, 1, 2, (byte) 0xff, '\n', '='};
    SquashfsContents s =
        convert(
            layer()
                .file("suid", "x".getBytes(StandardCharsets.UTF_8), 04755, 0, 0)
                .file(
                    "sgid",
                    "x".getBytes(StandardCharsets.UTF_8),
                    02711,
                    3_000_000_000L,
                    3_000_000_001L)
                .dir("tmp", 01777)
                .file("ping", "elf")
                .xattr("security.capability", cap)
                .xattr("user.bin", binary)
                .fifo("p")
                .charDevice("null", 1, 3)
                .blockDevice("sda", 8, 0)
                .file("t", "x")
                .mtime(1_234_567_890L)
                .file("empty", ""));
    s.attrs("suid", 04755, 0, 0, 0)
        .attrs("sgid", 02711, 3_000_000_000L, 3_000_000_001L, 0)
        .dir("tmp", 01777, 0, 0)
        .xattr("ping", "security.capability", cap)
        .xattr("ping", "user.bin", binary)
        .type("p", 'I')
        .type("null", 'C')
        .type("sda", 'B')
        .file("empty", "");
    assertEquals(1, s.get("null").major);
    assertEquals(3, s.get("null").minor);
    assertEquals(8, s.get("sda").major);
    assertEquals(1_234_567_890L, s.get("t").mtime);
  }

  @Test
  void userAndGroupNamesNeverReachMksquashfs() throws Exception {
    // uname "root" with uid 1234 must stay 1234: mksquashfs would map the name through passwd
    java.io.ByteArrayOutputStream bytes = new java.io.ByteArrayOutputStream();
    try (org.apache.commons.compress.archivers.tar.TarArchiveOutputStream t =
        new org.apache.commons.compress.archivers.tar.TarArchiveOutputStream(bytes)) {
      org.apache.commons.compress.archivers.tar.TarArchiveEntry e =
          new org.apache.commons.compress.archivers.tar.TarArchiveEntry("owned");
      e.setIds(1234, 5678);
      e.setNames("root", "root");
      e.setSize(1);
      e.setMode(0100644);
      t.putArchiveEntry(e);
      t.write('x');
      t.closeArchiveEntry();
    }
    Path image =
        ImageLayoutBuilder.oci().layer(bytes.toByteArray(), TAR).writeTo(tmp.resolve("img"));
    SquashfsContents.Inode owned = convertImage(image, MksquashfsOptions.DEFAULT).get("owned");
    assertEquals(1234, owned.uid);
    assertEquals(5678, owned.gid);
  }

  @Test
  void fractionalMtimesAreAccepted() throws Exception {
    convert(
            layer()
                .file("f", "x")
                .mtime(new io.oci2squashfs.tar.Mtime(1_600_000_000L, 500_000_000)))
        .attrs("f", 0644, 0, 0, 1_600_000_000L);
  }

  @Test
  void emptyLayersAndWhiteoutOnlyLayers() throws Exception {
    convert(layer().file("e", ""), layer(), layer().whiteout("nothing")).paths("e").file("e", "");
  }

  @ParameterizedTest
  @ValueSource(strings = {"tar", "gzip", "zstd", "bzip2", "xz"})
  void everyLayerCompression(String kind) throws Exception {
    LayerBuilder base = layer().dir("etc").file("etc/a", "a").hardlink("etc/b", "etc/a");
    LayerBuilder top = layer().whiteout("etc/a").file("etc/c", "c");
    String mediaType = kind.equals("tar") ? TAR : TAR + "+" + kind;
    Path image =
        ImageLayoutBuilder.oci()
            .layer(base.compressed(kind), mediaType)
            .layer(top.compressed(kind), mediaType)
            .writeTo(tmp.resolve("img-" + kind));
    convertImage(image, MksquashfsOptions.DEFAULT)
        .paths("etc", "etc/b", "etc/c")
        .file("etc/b", "a")
        .file("etc/c", "c");
  }

  @Test
  void dockerSaveDirectoryConvertsLikeTheOciLayout() throws Exception {
    LayerBuilder l0 = layer().dir("x").file("x/f", "f");
    LayerBuilder l1 = layer().whiteout("x/f").file("x/g", "g");
    Path docker =
        ImageLayoutBuilder.dockerSave()
            .layer(l0.tar(), null)
            .layer(l1.tar(), null)
            .writeTo(tmp.resolve("docker"));
    convertImage(docker, MksquashfsOptions.DEFAULT).paths("x", "x/g").file("x/g", "g");
  }

  @Test
  void reproducibleOutputIsBitIdentical() throws Exception {
    Path image =
        ImageLayoutBuilder.oci()
            .layer(layer().dir("a").file("a/b", "x").gzip(), GZIP)
            .layer(layer().file("c/d", "y").gzip(), GZIP)
            .writeTo(tmp.resolve("img"));
    MksquashfsOptions reproducible = MksquashfsOptions.DEFAULT.withMkfsTime(0L);
    Path a = tmp.resolve("a.squashfs");
    Path b = tmp.resolve("b.squashfs");
    new Converter().convert(ConvertRequest.of(image, a).withSquashfs(reproducible));
    Thread.sleep(1100);
    new Converter().convert(ConvertRequest.of(image, b).withSquashfs(reproducible));
    assertTrue(
        java.util.Arrays.equals(Files.readAllBytes(a), Files.readAllBytes(b)), "identical bytes");
    assertEquals(0, SquashfsContents.read(a).mkfsTime);
  }

  @Test
  void mtimeOptionSetsEveryTime() throws Exception {
    Path image =
        ImageLayoutBuilder.oci()
            .layer(layer().file("a/b", "x").mtime(5).gzip(), GZIP)
            .writeTo(tmp.resolve("img"));
    SquashfsContents s =
        convertImage(image, MksquashfsOptions.DEFAULT.withAllTime(777L).withMkfsTime(777L));
    for (SquashfsContents.Inode i : s.byPath.values()) {
      assertEquals(777, i.mtime);
    }
  }

  @ParameterizedTest
  @ValueSource(strings = {"gzip", "xz", "lz4", "lzo", "zstd:19"})
  void squashfsCompressions(String compression) throws Exception {
    Path image =
        ImageLayoutBuilder.oci()
            .layer(layer().file("f", "x".repeat(10000)).gzip(), GZIP)
            .writeTo(tmp.resolve("img"));
    convertImage(
            image,
            MksquashfsOptions.DEFAULT
                .withCompression(io.oci2squashfs.sink.SquashfsCompression.parse(compression))
                .withBlockSize("64K"))
        .file("f", "x".repeat(10000));
  }

  static io.oci2squashfs.tar.TarHeader dirHeader(
      String name, int mode, long uid, long gid, long mtime) {
    return io.oci2squashfs.tar.TarHeader.of(
            io.oci2squashfs.tar.EntryPath.of(name), io.oci2squashfs.tar.EntryType.DIRECTORY)
        .withMode(mode)
        .withOwner(uid, gid)
        .withMtime(io.oci2squashfs.tar.Mtime.ofSeconds(mtime));
  }
}
