package io.oci2squashfs.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import io.oci2squashfs.verify.Difference;
import io.oci2squashfs.verify.Method;
import io.oci2squashfs.verify.Reference;
import io.oci2squashfs.verify.ReportFormatter;
import io.oci2squashfs.verify.Verifier;
import io.oci2squashfs.verify.VerifyListener;
import io.oci2squashfs.verify.VerifyReport;
import io.oci2squashfs.verify.VerifyRequest;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * A real image end to end: a Debian bookworm minbase rootfs (debootstrap) with layers made by umoci
 * that delete files and whole directories, change types, modes and owners, add xattrs, a file
 * capability, hard links, long paths and empty layers (see {@code it-tests/build-real-image.sh}),
 * as an OCI layout with gzip layers, a docker-archive and an OCI layout with zstd layers. Each is
 * converted with the CLI and must equal {@code umoci unpack} of the gzip layout, as the {@code
 * verify} library and, independently, {@link TreeSnapshot} see it.
 *
 * <p>The image is built once and kept in {@code target/real-images/} (rebuilt when missing or when
 * the build script changed). Building it needs root and the network (deb.debian.org): without them
 * this test fails, saying so; it does not skip.
 */
class RealImageIT {
  static final Path DIR = Path.of("target/real-images").toAbsolutePath();
  static final Path SCRIPT = Path.of("it-tests/build-real-image.sh").toAbsolutePath();
  static final String TAG = "real";
  static final long BUILD_TIMEOUT_MINUTES = 40;

  @TempDir Path tmp;

  @BeforeAll
  static void image() throws Exception {
    Tools.require(
        "mksquashfs",
        "unsquashfs",
        "umoci",
        "skopeo",
        "debootstrap",
        "setcap",
        "setfattr",
        "getfattr");
    assertTrue(
        VerifyIT.isRoot(),
        "the real image is built with debootstrap, chown and setcap: run as root");
    Path done = DIR.resolve("DONE");
    String want = sha256(Files.readAllBytes(SCRIPT));
    if (Files.isRegularFile(done) && Files.readString(done).strip().equals(want)) {
      System.out.println("real image: cached in " + DIR + " (" + timings() + ")");
      return;
    }
    Files.createDirectories(DIR);
    Path log = DIR.resolve("build.log");
    long t0 = System.nanoTime();
    Process p =
        new ProcessBuilder(SCRIPT.toString(), DIR.toString())
            .redirectErrorStream(true)
            .redirectOutput(log.toFile())
            .start();
    if (!p.waitFor(BUILD_TIMEOUT_MINUTES, TimeUnit.MINUTES)) {
      p.destroyForcibly();
      fail("building the real image took over " + BUILD_TIMEOUT_MINUTES + " minutes; see " + log);
    }
    if (p.exitValue() != 0) {
      List<String> lines = Files.readAllLines(log, StandardCharsets.UTF_8);
      fail(
          "could not build the real image (it needs debootstrap, root and the network:"
              + " deb.debian.org). "
              + SCRIPT
              + " said, ending:\n"
              + String.join("\n", lines.subList(Math.max(0, lines.size() - 25), lines.size())));
    }
    Files.writeString(done, want);
    System.out.printf(
        "real image: built in %.1f s (%s)%n", (System.nanoTime() - t0) / 1e9, timings());
  }

  static String timings() throws IOException {
    Path t = DIR.resolve("timings");
    return Files.isRegularFile(t)
        ? String.join(", ", Files.readAllLines(t)).replace(" ", " ")
        : "no timings";
  }

  static String sha256(byte[] b) throws Exception {
    return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(b));
  }

  static String ref(String kind) {
    return switch (kind) {
      case "oci" -> "oci:" + DIR.resolve("oci") + ":" + TAG;
      case "oci-zstd" -> "oci:" + DIR.resolve("oci-zstd") + ":" + TAG;
      case "docker-archive" ->
          "docker-archive:" + DIR.resolve("docker.tar") + ":" + TAG + ":latest";
      default -> throw new IllegalArgumentException(kind);
    };
  }

  /** Converts the image with the CLI, printing the time; returns the squashfs. */
  Path convert(String kind) {
    Path out = tmp.resolve(kind + ".squashfs");
    long t0 = System.nanoTime();
    VerifyIT.Run r =
        VerifyIT.cli("convert", "--image", ref(kind), "--output", out.toString(), "--force");
    double secs = (System.nanoTime() - t0) / 1e9;
    assertEquals(0, r.code(), "convert " + ref(kind) + ": " + r.out() + r.err());
    System.out.printf(
        "real image: convert %s in %.1f s (%d bytes)%s%n",
        kind, secs, out.toFile().length(), r.err().isBlank() ? "" : "; said: " + r.err().strip());
    return out;
  }

  VerifyReport verify(Path squashfs, Reference reference, String what) throws Exception {
    long t0 = System.nanoTime();
    VerifyReport report =
        new Verifier(VerifyListener.NONE).verify(VerifyRequest.of(squashfs, reference));
    System.out.printf(
        "real image: verify %s in %.1f s (%s, %d entries)%n",
        what, (System.nanoTime() - t0) / 1e9, report.method().label(), report.imageEntries());
    return report;
  }

  static String firstLines(String s, int n) {
    List<String> lines = s.lines().toList();
    return lines.size() <= n
        ? s
        : String.join("\n", lines.subList(0, n)) + "\n... (" + (lines.size() - n) + " more)";
  }

  @ParameterizedTest
  @ValueSource(strings = {"oci", "docker-archive", "oci-zstd"})
  void convertedImageEqualsUmociUnpack(String kind) throws Exception {
    Path squashfs = convert(kind);
    VerifyReport report =
        verify(squashfs, Reference.image(DIR.resolve("oci"), TAG), kind + " against umoci unpack");
    assertTrue(
        report.referenceEntries() > 3000,
        "umoci unpacked only " + report.referenceEntries() + " entries");
    assertTrue(report.equal(), kind + ": " + firstLines(ReportFormatter.text(report), 60));
  }

  /**
   * The same image written as erofs with a verity tree: the kernel's mount of it equals {@code
   * umoci unpack} file by file, and {@code veritysetup verify} accepts the tree.
   */
  @Test
  void erofsWithVerityEqualsUmociUnpack() throws Exception {
    Path erofs = tmp.resolve("real.erofs");
    long t0 = System.nanoTime();
    VerifyIT.Run r =
        VerifyIT.cli(
            "convert", "--image", ref("oci"), "--output", erofs.toString(), "--verity", "--json");
    assertEquals(0, r.code(), r.err());
    System.out.printf(
        "real image: convert to erofs with verity in %.1f s (%d bytes)%n",
        (System.nanoTime() - t0) / 1e9, erofs.toFile().length());
    TreeSnapshot oracle =
        TreeSnapshot.ofDirectory(OracleIT.umociUnpack(DIR.resolve("oci"), TAG, tmp));
    TreeSnapshot ours = ErofsMount.read(erofs, tmp.resolve("mnt"));
    TreeSnapshot.assertSame(oracle, ours, "real image (oci) as erofs");
    assertLayersDidWhatTheySay(ours);
    long offset =
        io.oci2squashfs.image.json.Json.MAPPER
            .readTree(r.out())
            .get("verity")
            .get("hashOffset")
            .asLong();
    String root = Files.readString(tmp.resolve("real.erofs.roothash")).trim();
    Process p =
        new ProcessBuilder(
                "veritysetup",
                "verify",
                erofs.toString(),
                erofs.toString(),
                root,
                "--hash-offset=" + offset)
            .redirectErrorStream(true)
            .start();
    String said = new String(p.getInputStream().readAllBytes());
    assertEquals(0, p.waitFor(), "veritysetup verify: " + said);
  }

  /**
   * A converter that ignored whiteouts would give the image its layers give without their whiteout
   * entries: convert exactly that, and verify must report the deleted paths as only in the image.
   */
  @Test
  void aConverterThatIgnoredWhiteoutsWouldBeFoundOut() throws Exception {
    io.oci2squashfs.image.Image image =
        io.oci2squashfs.image.ImageLoader.load(ref("oci"), io.oci2squashfs.image.Platform.host());
    io.oci2squashfs.testing.ImageLayoutBuilder broken =
        io.oci2squashfs.testing.ImageLayoutBuilder.oci().tag(TAG);
    int dropped = 0;
    for (io.oci2squashfs.image.Layer layer : image.layers()) {
      java.io.ByteArrayOutputStream tar = new java.io.ByteArrayOutputStream();
      try (java.io.InputStream in =
          io.oci2squashfs.layer.LayerOpener.open(layer.open(), layer.mediaType(), w -> {})) {
        io.oci2squashfs.tar.TarReader reader = new io.oci2squashfs.tar.TarReader(in);
        io.oci2squashfs.tar.PaxTarWriter writer = new io.oci2squashfs.tar.PaxTarWriter(tar);
        for (io.oci2squashfs.tar.TarHeader h = reader.next(); h != null; h = reader.next()) {
          if (h.path().name().startsWith(".wh.")) {
            dropped++;
          } else if (!h.path().isRoot()) {
            writer.write(h, reader.content());
          }
        }
        writer.finish();
      }
      broken.layer(tar.toByteArray(), "application/vnd.oci.image.layer.v1.tar");
    }
    assertTrue(dropped > 0, "the real image has whiteouts");
    Path brokenImage = broken.writeTo(tmp.resolve("no-whiteouts"));
    Path out = tmp.resolve("no-whiteouts.squashfs");
    VerifyIT.Run r =
        VerifyIT.cli("convert", "--image", brokenImage.toString(), "--output", out.toString());
    assertEquals(0, r.code(), r.err());
    VerifyReport report =
        verify(out, Reference.image(DIR.resolve("oci"), TAG), "whiteout-less conversion");
    String text = ReportFormatter.text(report);
    assertTrue(!report.equal() && text.contains("+ /usr/share/man"), firstLines(text, 40));
  }

  /**
   * The image holds what each layer of the build script was meant to exercise, so that "equal"
   * cannot pass because both sides lost the same thing (umoci dropping an xattr, say).
   */
  static void assertLayersDidWhatTheySay(TreeSnapshot t) {
    java.util.function.Function<String, TreeSnapshot.Node> at =
        p -> {
          TreeSnapshot.Node n = t.byPath.get(p);
          assertTrue(n != null, "no " + p + " in the converted image");
          return n;
        };
    assertEquals('f', at.apply("usr/bin/hello").type, "apt layer");
    assertFalse(
        t.byPath.keySet().stream().anyMatch(p -> p.startsWith("usr/share/doc/")),
        "usr/share/doc/* whited out");
    assertFalse(t.byPath.containsKey("usr/share/locale"), "usr/share/locale whited out");
    assertFalse(t.byPath.containsKey("usr/bin/pinky"), "usr/bin/pinky whited out");
    assertEquals(
        List.of("usr/share/man", "usr/share/man/man1", "usr/share/man/man1/back.1"),
        t.byPath.keySet().stream().filter(p -> p.startsWith("usr/share/man")).toList(),
        "usr/share/man deleted, then partly restored");
    assertEquals('f', at.apply("usr/share/info").type, "directory replaced by a file");
    assertEquals('d', at.apply("etc/hostname").type, "file replaced by a directory");
    assertEquals('l', at.apply("usr/bin/yes").type, "file replaced by a symlink");
    assertEquals(04711, at.apply("usr/bin/touch").mode);
    assertEquals(123L, at.apply("usr/bin/tac").uid);
    assertEquals(456L, at.apply("usr/bin/tac").gid);
    assertEquals(7L, at.apply("bin").uid, "owner of the /bin symlink");
    assertEquals(1000L, at.apply("etc/debian_version").uid);
    assertTrue(
        at.apply("usr/bin/ls-raw").xattrs.containsKey("security.capability"),
        "setcap cap_net_raw+ep");
    assertEquals("68656c6c6f", at.apply("usr/lib/os-release").xattrs.get("user.x"), "user.x=hello");
    assertEquals(at.apply("usr/bin/cat").inode, at.apply("usr/local/cat-link2").inode, "hard link");
    assertFalse(
        t.byPath.containsKey("usr/bin/cat-link"), "one name of a hard-link group whited out");
    assertEquals(
        at.apply("usr/lib/os-release").inode,
        at.apply("usr/lib/os-release.hard").inode,
        "hard link");
    assertTrue(
        t.byPath.keySet().stream()
            .anyMatch(p -> p.length() > 255 && p.endsWith("longer-than-255-bytes")),
        "a path over 255 bytes");
    assertEquals(11L, at.apply("etc/motd").size, "etc/motd whited out, then back");
  }

  /** verify's other way of reading the image, unsquashfs -pf instead of a squashfuse mount. */
  @Test
  void unsquashfsMethodAgrees() throws Exception {
    Path squashfs = convert("oci");
    long t0 = System.nanoTime();
    VerifyReport report =
        new Verifier(VerifyListener.NONE)
            .verify(
                VerifyRequest.of(squashfs, Reference.image(DIR.resolve("oci"), TAG))
                    .withMethod(Method.UNSQUASHFS));
    System.out.printf(
        "real image: verify oci (unsquashfs) in %.1f s%n", (System.nanoTime() - t0) / 1e9);
    assertEquals(Method.UNSQUASHFS, report.method());
    assertTrue(report.equal(), firstLines(ReportFormatter.text(report), 60));
  }

  /**
   * The same with the test suite's own comparison ({@link TreeSnapshot}: find/stat/getfattr over
   * umoci's tree and an unsquashfs extraction), and the check that the comparisons can fail: with
   * one file removed from umoci's tree, both report it.
   */
  @Test
  void treeSnapshotAgreesAndAMissingFileIsFoundOut() throws Exception {
    Path squashfs = convert("oci");
    Path copy = tmp.resolve("umoci-image");
    TreeSnapshot.run("cp", "-a", DIR.resolve("oci").toString(), copy.toString());
    Path bundle = tmp.resolve("bundle");
    TreeSnapshot.run(
        "sh",
        "-c",
        "umask 022 && exec umoci unpack --image \"$1\" \"$2\"",
        "sh",
        copy + ":" + TAG,
        bundle.toString());
    Path rootfs = bundle.resolve("rootfs");
    long t0 = System.nanoTime();
    TreeSnapshot oracle = TreeSnapshot.ofDirectory(rootfs);
    TreeSnapshot ours = TreeSnapshot.ofSquashfs(squashfs, tmp.resolve("ours"));
    TreeSnapshot.assertSame(oracle, ours, "real image (oci)");
    System.out.printf(
        "real image: TreeSnapshot comparison of %d paths in %.1f s%n",
        oracle.byPath.size(), (System.nanoTime() - t0) / 1e9);

    assertLayersDidWhatTheySay(ours);

    // a deliberately wrong reference: one file fewer than the image holds
    Files.delete(rootfs.resolve("usr/bin/hello"));
    List<String> d = TreeSnapshot.diff(TreeSnapshot.ofDirectory(rootfs), ours);
    assertTrue(
        d.size() == 1 && d.get(0).startsWith("+ usr/bin/hello"),
        "TreeSnapshot did not see the removed file: " + d);
    VerifyReport report =
        verify(squashfs, Reference.directory(rootfs), "against umoci unpack minus usr/bin/hello");
    assertFalse(report.equal(), "verify did not see the removed file");
    assertEquals(
        List.of("/usr/bin/hello"),
        report.differences().stream()
            .filter(x -> x.change() == Difference.Change.ONLY_IN_IMAGE)
            .map(Difference::path)
            .toList(),
        ReportFormatter.text(report));
  }
}
