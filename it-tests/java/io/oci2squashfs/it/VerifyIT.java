package io.oci2squashfs.it;

import static io.oci2squashfs.testing.LayerBuilder.layer;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.oci2squashfs.cli.Main;
import io.oci2squashfs.convert.ConvertListener;
import io.oci2squashfs.convert.ConvertRequest;
import io.oci2squashfs.convert.Converter;
import io.oci2squashfs.image.Platform;
import io.oci2squashfs.image.json.Json;
import io.oci2squashfs.testing.ImageLayoutBuilder;
import io.oci2squashfs.verify.CompareOptions;
import io.oci2squashfs.verify.Difference;
import io.oci2squashfs.verify.Method;
import io.oci2squashfs.verify.PathFilter;
import io.oci2squashfs.verify.Reference;
import io.oci2squashfs.verify.Verifier;
import io.oci2squashfs.verify.VerifyListener;
import io.oci2squashfs.verify.VerifyReport;
import io.oci2squashfs.verify.VerifyRequest;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * verify end to end: real squashfs images made by mksquashfs from trees built here, read by both
 * methods (squashfuse_ll mount and unsquashfs -pf), each kind of difference alone; and images
 * converted from OCI layouts checked against umoci's unpacking of them.
 */
class VerifyIT {
  static final String GZIP = "application/vnd.oci.image.layer.v1.tar+gzip";
  static final String CAP = "0x0100000200200000000000000000000000000000"; // cap_net_raw+p

  @TempDir Path tmp;

  @BeforeAll
  static void tools() {
    Tools.require(
        "mksquashfs",
        "unsquashfs",
        "squashfuse_ll",
        "fusermount3",
        "getfattr",
        "setfattr",
        "umoci");
    assertTrue(
        isRoot(),
        "the verify end-to-end tests set owners, devices and trusted.* xattrs: run them as root");
  }

  static boolean isRoot() {
    try {
      return ((Integer) Files.getAttribute(Path.of("/proc/self"), "unix:uid")) == 0;
    } catch (IOException e) {
      return false;
    }
  }

  static void sh(String... cmd) throws Exception {
    Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertTrue(p.waitFor(120, TimeUnit.SECONDS));
    assertEquals(0, p.exitValue(), String.join(" ", cmd) + ": " + out);
  }

  /** A tree with one of everything verify compares. */
  Path baseTree(Path dir) throws Exception {
    Files.createDirectories(dir.resolve("etc"));
    Files.writeString(dir.resolve("etc/passwd"), "root:x:0:0::/root:/bin/sh\n");
    Files.writeString(dir.resolve("etc/owned"), "mine\n");
    Files.setAttribute(dir.resolve("etc/owned"), "unix:uid", 1000);
    Files.setAttribute(dir.resolve("etc/owned"), "unix:gid", 1000);
    Files.createDirectories(dir.resolve("bin"));
    Files.writeString(dir.resolve("bin/ping"), "ELF ping");
    Files.setPosixFilePermissions(
        dir.resolve("bin/ping"), PosixFilePermissions.fromString("rwxr-xr-x"));
    sh("setfattr", "-n", "security.capability", "-v", CAP, dir.resolve("bin/ping").toString());
    Files.writeString(dir.resolve("bin/busybox"), "ELF busybox");
    Files.createLink(dir.resolve("bin/sh"), dir.resolve("bin/busybox"));
    Files.createSymbolicLink(dir.resolve("lib"), Path.of("usr/lib"));
    Files.createDirectories(dir.resolve("dev"));
    sh("mknod", dir.resolve("dev/null").toString(), "c", "1", "3");
    sh("mkfifo", dir.resolve("dev/fifo").toString());
    Files.writeString(dir.resolve("data with space"), "x");
    sh(
        "setfattr",
        "-n",
        "user.mime",
        "-v",
        "text/plain",
        dir.resolve("data with space").toString());
    sh("setfattr", "-n", "user.empty", "-v", "\"\"", dir.resolve("data with space").toString());
    sh("setfattr", "-n", "trusted.overlay.opaque", "-v", "y", dir.resolve("etc").toString());
    return dir;
  }

  /** The base tree as reference; the image from a copy changed by {@code change}. */
  List<String> differences(Method method, Consumer<Path> change, CompareOptions options)
      throws Exception {
    Path ref = baseTree(tmp.resolve("ref"));
    Path copy = tmp.resolve("copy");
    sh("cp", "-a", ref.toString(), copy.toString());
    change.accept(copy);
    Path image = tmp.resolve("image.squashfs");
    sh("mksquashfs", copy.toString(), image.toString(), "-noappend", "-quiet", "-no-progress");
    VerifyReport r =
        new Verifier(VerifyListener.NONE)
            .verify(
                VerifyRequest.of(image, Reference.directory(ref))
                    .withMethod(method)
                    .withOptions(options));
    assertEquals(method, r.method());
    List<String> out = new ArrayList<>();
    for (Difference d : r.differences()) {
      out.add(
          d.change().sign()
              + " "
              + d.path()
              + (d.field() == null
                  ? ""
                  : ": " + d.fieldLabel() + ": " + d.reference() + " -> " + d.image()));
    }
    return out;
  }

  /** Empties tmp for the next case of a test. */
  void fresh() throws IOException {
    try (Stream<Path> s = Files.list(tmp)) {
      for (Path p : s.toList()) {
        try (Stream<Path> all = Files.walk(p)) {
          all.sorted(java.util.Comparator.reverseOrder()).forEach(f -> f.toFile().delete());
        }
      }
    }
  }

  List<String> differences(Method method, Consumer<Path> change) throws Exception {
    return differences(method, change, CompareOptions.DEFAULT);
  }

  interface IoAction {
    void run(Path root) throws Exception;
  }

  static Consumer<Path> io(IoAction a) {
    return p -> {
      try {
        a.run(p);
      } catch (Exception e) {
        throw new AssertionError(e);
      }
    };
  }

  @ParameterizedTest
  @EnumSource(
      value = Method.class,
      names = {"MOUNT", "UNSQUASHFS"})
  void identicalTreesHaveNoDifferences(Method m) throws Exception {
    assertEquals(List.of(), differences(m, p -> {}));
  }

  @ParameterizedTest
  @EnumSource(
      value = Method.class,
      names = {"MOUNT", "UNSQUASHFS"})
  void onlyInImageAndOnlyInReference(Method m) throws Exception {
    assertEquals(
        List.of("+ /etc/extra"),
        differences(m, io(p -> Files.writeString(p.resolve("etc/extra"), ""))));
    fresh();
    assertEquals(
        List.of("- /dev"), differences(m, io(p -> sh("rm", "-r", p.resolve("dev").toString()))));
  }

  @ParameterizedTest
  @EnumSource(
      value = Method.class,
      names = {"MOUNT", "UNSQUASHFS"})
  void type(Method m) throws Exception {
    assertEquals(
        List.of("~ /dev/fifo: type: fifo -> file"),
        differences(
            m,
            io(
                p -> {
                  Files.delete(p.resolve("dev/fifo"));
                  Files.writeString(p.resolve("dev/fifo"), "");
                  Files.setPosixFilePermissions(
                      p.resolve("dev/fifo"), PosixFilePermissions.fromString("rw-r--r--"));
                })));
  }

  @ParameterizedTest
  @EnumSource(
      value = Method.class,
      names = {"MOUNT", "UNSQUASHFS"})
  void permissions(Method m) throws Exception {
    assertEquals(
        List.of("~ /etc/passwd: mode: 0644 -> 4600"),
        differences(m, io(p -> sh("chmod", "4600", p.resolve("etc/passwd").toString()))));
  }

  @ParameterizedTest
  @EnumSource(
      value = Method.class,
      names = {"MOUNT", "UNSQUASHFS"})
  void uidAndGid(Method m) throws Exception {
    assertEquals(
        List.of("~ /etc/owned: uid: 1000 -> 4294967294"),
        differences(m, io(p -> Files.setAttribute(p.resolve("etc/owned"), "unix:uid", -2))));
    fresh();
    assertEquals(
        List.of("~ /etc/owned: gid: 1000 -> 0"),
        differences(m, io(p -> Files.setAttribute(p.resolve("etc/owned"), "unix:gid", 0))));
  }

  @ParameterizedTest
  @EnumSource(
      value = Method.class,
      names = {"MOUNT", "UNSQUASHFS"})
  void ownershipCanBeIgnored(Method m) throws Exception {
    assertEquals(
        List.of(),
        differences(
            m,
            io(p -> Files.setAttribute(p.resolve("etc/owned"), "unix:uid", 0)),
            CompareOptions.DEFAULT.withOwnership(false)));
  }

  @ParameterizedTest
  @EnumSource(
      value = Method.class,
      names = {"MOUNT", "UNSQUASHFS"})
  void sizeAndContent(Method m) throws Exception {
    assertEquals(
        List.of("~ /etc/passwd: size: 26 -> 27"),
        differences(
            m,
            io(p -> Files.writeString(p.resolve("etc/passwd"), "root:x:0:0::/root:/bin/sh\n\n"))));
    fresh();
    List<String> d =
        differences(
            m, io(p -> Files.writeString(p.resolve("etc/passwd"), "root:x:0:0::/root:/bin/SH\n")));
    assertEquals(1, d.size(), d.toString());
    assertTrue(d.get(0).startsWith("~ /etc/passwd: content: sha256:"), d.toString());
  }

  @ParameterizedTest
  @EnumSource(
      value = Method.class,
      names = {"MOUNT", "UNSQUASHFS"})
  void symlinkTarget(Method m) throws Exception {
    assertEquals(
        List.of("~ /lib: target: usr/lib -> /usr/lib"),
        differences(
            m,
            io(
                p -> {
                  Files.delete(p.resolve("lib"));
                  Files.createSymbolicLink(p.resolve("lib"), Path.of("/usr/lib"));
                })));
  }

  @ParameterizedTest
  @EnumSource(
      value = Method.class,
      names = {"MOUNT", "UNSQUASHFS"})
  void deviceNumbers(Method m) throws Exception {
    assertEquals(
        List.of("~ /dev/null: device: 1,3 -> 1,5"),
        differences(
            m,
            io(
                p -> {
                  Files.delete(p.resolve("dev/null"));
                  sh("mknod", p.resolve("dev/null").toString(), "c", "1", "5");
                })));
  }

  @ParameterizedTest
  @EnumSource(
      value = Method.class,
      names = {"MOUNT", "UNSQUASHFS"})
  void xattrsOfEveryNamespace(Method m) throws Exception {
    assertEquals(
        List.of("~ /bin/ping: xattr security.capability: " + CAP + " -> (none)"),
        differences(
            m,
            io(
                p ->
                    sh(
                        "setfattr",
                        "-x",
                        "security.capability",
                        p.resolve("bin/ping").toString()))));
    fresh();
    assertEquals(
        List.of("~ /etc: xattr trusted.overlay.opaque: 0x79 -> 0x6e"),
        differences(
            m,
            io(
                p ->
                    sh(
                        "setfattr",
                        "-n",
                        "trusted.overlay.opaque",
                        "-v",
                        "n",
                        p.resolve("etc").toString()))));
    fresh();
    assertEquals(
        List.of(
            "~ /data with space: xattr user.mime: 0x746578742f706c61696e -> 0x746578742f68746d6c"),
        differences(
            m,
            io(
                p ->
                    sh(
                        "setfattr",
                        "-n",
                        "user.mime",
                        "-v",
                        "text/html",
                        p.resolve("data with space").toString()))));
    fresh();
    assertEquals(
        List.of("~ /data with space: xattr user.empty: 0x -> (none)"),
        differences(
            m,
            io(p -> sh("setfattr", "-x", "user.empty", p.resolve("data with space").toString()))));
  }

  @ParameterizedTest
  @EnumSource(
      value = Method.class,
      names = {"MOUNT", "UNSQUASHFS"})
  void hardLinks(Method m) throws Exception {
    assertEquals(
        List.of(
            "~ /bin/busybox: hardlinks: /bin/sh -> (none)",
            "~ /bin/sh: hardlinks: /bin/busybox -> (none)"),
        differences(
            m,
            io(
                p -> {
                  Files.delete(p.resolve("bin/sh"));
                  Files.copy(p.resolve("bin/busybox"), p.resolve("bin/sh"));
                })));
  }

  @ParameterizedTest
  @EnumSource(
      value = Method.class,
      names = {"MOUNT", "UNSQUASHFS"})
  void mtimeOnlyWhenAsked(Method m) throws Exception {
    Consumer<Path> touch =
        io(
            p ->
                Files.setLastModifiedTime(
                    p.resolve("etc/passwd"),
                    java.nio.file.attribute.FileTime.fromMillis(86_400_000L)));
    assertEquals(List.of(), differences(m, touch));
    fresh();
    List<String> d = differences(m, touch, CompareOptions.DEFAULT.withMtime(true));
    assertEquals(1, d.size(), d.toString());
    assertTrue(
        d.get(0).startsWith("~ /etc/passwd: mtime: ") && d.get(0).endsWith(" -> 86400"),
        d.toString());
  }

  @ParameterizedTest
  @EnumSource(
      value = Method.class,
      names = {"MOUNT", "UNSQUASHFS"})
  void ignoredPaths(Method m) throws Exception {
    assertEquals(
        List.of(),
        differences(
            m,
            io(
                p -> {
                  Files.writeString(p.resolve("etc/hostname"), "box");
                  sh("chmod", "700", p.resolve("bin").toString());
                }),
            CompareOptions.DEFAULT.withIgnore(PathFilter.of(List.of("/etc/hostname", "bin")))));
  }

  // ---- images: convert, then verify against umoci's unpacking

  record Run(int code, String out, String err) {}

  static Run cli(String... args) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    int code = Main.run(new PrintWriter(out, true), new PrintWriter(err, true), args);
    return new Run(code, out.toString(), err.toString());
  }

  Path convertedImage() throws Exception {
    Path layout =
        ImageLayoutBuilder.oci()
            .layer(
                layer()
                    .dir("etc")
                    .file("etc/os-release", "ID=test\n")
                    .dir("usr")
                    .dir("usr/bin")
                    .file("usr/bin/ping", "ping".getBytes(StandardCharsets.UTF_8), 0755, 0, 0)
                    .xattr(
                        "security.capability", java.util.HexFormat.of().parseHex(CAP.substring(2)))
                    .file("usr/bin/busybox", "bb".getBytes(StandardCharsets.UTF_8), 0755, 0, 0)
                    .hardlink("usr/bin/sh", "usr/bin/busybox")
                    .symlink("bin", "usr/bin")
                    .file("home/user/notes", "n".getBytes(StandardCharsets.UTF_8), 0600, 1000, 1000)
                    .gzip(),
                GZIP)
            .layer(layer().whiteout("etc/os-release").file("etc/issue", "hello\n").gzip(), GZIP)
            .tag("v1")
            .writeTo(tmp.resolve("layout"));
    new Converter(ConvertListener.NONE)
        .convert(ConvertRequest.of(layout, tmp.resolve("c.squashfs")));
    return layout;
  }

  @ParameterizedTest
  @EnumSource(
      value = Method.class,
      names = {"MOUNT", "UNSQUASHFS"})
  void aConvertedImageEqualsItsUmociUnpacking(Method m) throws Exception {
    Path layout = convertedImage();
    Run r =
        cli(
            "verify",
            "--squashfs",
            tmp.resolve("c.squashfs").toString(),
            "--image",
            layout + ":v1",
            "--method",
            m.label());
    assertEquals(0, r.code(), r.out() + r.err());
    assertTrue(r.out().startsWith("equal (image "), r.out());
    assertTrue(r.out().contains("read by " + m.label()), r.out());
    try (Stream<Path> s = Files.list(Path.of(System.getProperty("java.io.tmpdir")))) {
      assertFalse(
          s.anyMatch(p -> p.getFileName().toString().startsWith("oci2squashfs-mnt-")),
          "a mount point was left behind");
    }
  }

  @ParameterizedTest
  @EnumSource(
      value = Method.class,
      names = {"MOUNT", "UNSQUASHFS"})
  void aTamperedImageIsFoundOut(Method m) throws Exception {
    Path layout = convertedImage();
    Path tree = tmp.resolve("tree");
    sh(
        "unsquashfs",
        "-quiet",
        "-no-progress",
        "-d",
        tree.toString(),
        tmp.resolve("c.squashfs").toString());
    Files.writeString(tree.resolve("etc/issue"), "HELLO\n");
    Files.writeString(tree.resolve("etc/os-release"), "ID=back\n");
    sh("setfattr", "-x", "security.capability", tree.resolve("usr/bin/ping").toString());
    Path tampered = tmp.resolve("t.squashfs");
    sh("mksquashfs", tree.toString(), tampered.toString(), "-noappend", "-quiet", "-no-progress");
    Run r =
        cli(
            "verify",
            "-s",
            tampered.toString(),
            "-i",
            layout + ":v1",
            "--method",
            m.label(),
            "--json");
    assertEquals(3, r.code(), r.out() + r.err());
    JsonNode j = Json.MAPPER.readTree(r.out());
    assertFalse(j.get("equal").asBoolean());
    assertEquals(m.label(), j.get("method").asText());
    List<String> got = new ArrayList<>();
    for (JsonNode d : j.get("differences")) {
      got.add(
          d.get("change").asText()
              + " "
              + d.get("path").asText()
              + (d.has("field") ? " " + d.get("field").asText() : ""));
    }
    assertEquals(
        List.of(
            "changed /etc/issue content",
            "onlyInImage /etc/os-release",
            "changed /usr/bin/ping xattr"),
        got);
    Run text =
        cli("verify", "-s", tampered.toString(), "-i", layout + ":v1", "--method", m.label());
    assertEquals(3, text.code());
    assertTrue(text.out().contains("+ /etc/os-release\n"), text.out());
    assertTrue(
        text.out().contains("different: 1 only in image, 0 only in reference, 2 changed"),
        text.out());
  }

  /**
   * An untagged multi-platform layout: verify takes the platform convert took, the host's or
   * --platform's.
   */
  @Test
  void anUntaggedMultiPlatformLayoutIsVerifiedForThePlatformConverted() throws Exception {
    Path layout =
        ImageLayoutBuilder.oci()
            .add(
                ImageLayoutBuilder.index(
                    ImageLayoutBuilder.manifest()
                        .layer(layer().file("arch", "amd64").gzip(), GZIP)
                        .platform("linux", "amd64"),
                    ImageLayoutBuilder.manifest()
                        .layer(layer().file("arch", "arm64").gzip(), GZIP)
                        .platform("linux", "arm64")))
            .writeTo(tmp.resolve("multi"));
    Path arm = tmp.resolve("arm.squashfs");
    new Converter(ConvertListener.NONE)
        .convert(ConvertRequest.of(layout, arm).withPlatform(Platform.parse("linux/arm64")));

    Run same =
        cli(
            "verify",
            "-s",
            arm.toString(),
            "--image",
            layout.toString(),
            "--platform",
            "linux/arm64");
    assertEquals(0, same.code(), same.out() + same.err());
    Run other =
        cli(
            "verify",
            "-s",
            arm.toString(),
            "--image",
            layout.toString(),
            "--platform",
            "linux/amd64");
    assertEquals(3, other.code(), other.out() + other.err());
    assertTrue(other.out().contains("~ /arch: content"), other.out());
    Run tagged =
        cli("verify", "-s", arm.toString(), "--image", layout + ":v1", "--platform", "linux/arm64");
    assertEquals(2, tagged.code(), tagged.err());
    assertTrue(
        tagged.err().contains("--platform chooses within --image DIR given without a tag"),
        tagged.err());
  }

  @Test
  void aMissingImageFailsInOneLine() throws Exception {
    Run r = cli("verify", "-s", tmp.resolve("nope.squashfs").toString(), "-r", tmp.toString());
    assertEquals(1, r.code());
    assertTrue(
        r.err().startsWith("oci2squashfs: error: ") && r.err().contains("nope.squashfs"), r.err());
    assertEquals(1, r.err().lines().count(), r.err());
  }
}
