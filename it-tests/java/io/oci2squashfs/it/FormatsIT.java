package io.oci2squashfs.it;

import static io.oci2squashfs.testing.LayerBuilder.layer;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.oci2squashfs.cli.Main;
import io.oci2squashfs.convert.ConvertListener;
import io.oci2squashfs.convert.ConvertRequest;
import io.oci2squashfs.convert.ConvertResult;
import io.oci2squashfs.convert.Converter;
import io.oci2squashfs.convert.OutputFormat;
import io.oci2squashfs.testing.ImageLayoutBuilder;
import io.oci2squashfs.testing.LayerBuilder;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.Charset;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * {@code --format dir} and {@code --format tar} (the tar unpacked by GNU tar as root, with numeric
 * owners and every xattr) against {@code umoci unpack} of the same image, file by file, the way
 * {@link OracleIT} checks the squashfs: the demo image, the kitchen sink, the probes and seeded
 * random images ({@code -Dformats.seeds=FIRST-LAST}, default 1-10).
 */
class FormatsIT {
  static final String GZIP = "application/vnd.oci.image.layer.v1.tar+gzip";

  @TempDir Path tmp;

  final List<String> warnings = new ArrayList<>();

  @BeforeAll
  static void tools() {
    Tools.require("umoci", "tar", "getfattr", "find", "stat", "sha256sum");
    assertEquals(
        "root",
        System.getProperty("user.name"),
        "FormatsIT compares owners, devices and trusted.* xattrs: run it as root");
  }

  @Test
  void demoImage() throws Exception {
    compare(Path.of("examples/demo-image").toAbsolutePath());
  }

  @Test
  void kitchenSink() throws Exception {
    compare(image(OracleImages.kitchenSink()));
  }

  static Stream<String> probes() {
    return OracleImages.probes().keySet().stream();
  }

  @ParameterizedTest
  @MethodSource("probes")
  void probe(String name) throws Exception {
    compare(image(OracleImages.probes().get(name)));
  }

  static java.util.stream.LongStream seeds() {
    String[] range = System.getProperty("formats.seeds", "1-10").split("-");
    return java.util.stream.LongStream.rangeClosed(
        Long.parseLong(range[0]), Long.parseLong(range[range.length - 1]));
  }

  @ParameterizedTest(name = "seed {0}")
  @MethodSource("seeds")
  void randomImage(long seed) throws Exception {
    compare(image(RandomImage.generate(seed, 6, false)));
  }

  /**
   * Runs the command line in a child JVM, its standard output going to {@code stdout}; returns its
   * stderr.
   */
  static String childCli(Path stdout, int expectedExit, String... args) throws Exception {
    String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    List<String> cmd =
        new ArrayList<>(
            List.of(java, "-cp", System.getProperty("java.class.path"), Main.class.getName()));
    cmd.addAll(List.of(args));
    Process p = new ProcessBuilder(cmd).redirectOutput(stdout.toFile()).start();
    String err = new String(p.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
    assertEquals(expectedExit, p.waitFor(), err);
    return err;
  }

  /** The tar on standard output, through the command line, is the same tar as the file. */
  @Test
  void tarOnStandardOutputThroughTheCommandLine() throws Exception {
    Path image = image(List.of(layer().dir("d", 0700).file("d/f", "x").symlink("l", "d/f")));
    Path file = tmp.resolve("file.tar");
    Path piped = tmp.resolve("piped.tar");
    // a child JVM, since the tar goes to the process's own standard output
    childCli(piped, 0, "convert", "-q", "-i", image.toString(), "-o", "-");
    StringWriter err = new StringWriter();
    assertEquals(
        0,
        Main.run(
            new PrintWriter(new StringWriter()),
            new PrintWriter(err),
            "convert",
            "-q",
            "-i",
            image.toString(),
            "-o",
            file.toString()),
        err.toString());
    assertTrue(Files.size(file) > 1024);
    assertEquals(-1L, Files.mismatch(file, piped), "same bytes on stdout as in the file");
    String listing = TreeSnapshot.run("tar", "-tvf", file.toString(), "--numeric-owner");
    assertTrue(
        listing.startsWith("drwxr-xr-x 0/0")
            && listing.lines().findFirst().orElseThrow().endsWith(" ./"),
        listing);
  }

  /** An image that must be read twice cannot go to standard output: it fails, saying what to do. */
  @Test
  void anImageThatNeedsASecondPassFailsOnStandardOutput() throws Exception {
    Path image = image(List.of(layer().file("a", "first").file("a", "second")));
    String err =
        childCli(tmp.resolve("piped.tar"), 1, "convert", "-i", image.toString(), "-o", "-");
    assertTrue(err.contains("standard output") && err.contains("write to a file"), err);
    Path file = tmp.resolve("file.tar");
    childCli(
        tmp.resolve("nothing"), 0, "convert", "-q", "-i", image.toString(), "-o", file.toString());
    assertTrue(TreeSnapshot.run("tar", "-xOf", file.toString(), "a").equals("second"));
  }

  Path image(List<LayerBuilder> layers) throws IOException {
    ImageLayoutBuilder b = ImageLayoutBuilder.oci().tag("latest");
    Map<LayerBuilder, byte[]> blobs = new IdentityHashMap<>();
    for (LayerBuilder l : layers) {
      b.layer(blobs.computeIfAbsent(l, LayerBuilder::gzip), GZIP);
    }
    return b.writeTo(tmp.resolve("image"));
  }

  /** The Debian image of {@link RealImageIT} (built there, or reused from its cache), timed. */
  @Test
  void realImage() throws Exception {
    RealImageIT.image();
    compare(RealImageIT.DIR.resolve("oci"), RealImageIT.TAG);
  }

  void compare(Path image) throws Exception {
    compare(image, "latest");
  }

  void compare(Path image, String tag) throws Exception {
    TreeSnapshot oracle = TreeSnapshot.ofDirectory(OracleIT.umociUnpack(image, tag, tmp));
    assertTrue(oracle.byPath.size() > 1, "umoci unpacked nothing");
    Converter converter =
        new Converter(
            new ConvertListener() {
              @Override
              public void warning(String message) {
                warnings.add(message);
              }
            });

    Path tar = tmp.resolve("ours.tar");
    long t0 = System.nanoTime();
    ConvertResult r = converter.convert(request(image + ":" + tag, tar, OutputFormat.TAR));
    System.out.printf(
        "formats: %s as a tar in %.1f s (%d bytes)%n",
        image.getFileName(), (System.nanoTime() - t0) / 1e9, r.outputBytes());
    Path unpacked = Files.createDirectory(tmp.resolve("ours-tar"));
    TreeSnapshot.run(
        "tar",
        "-xpf",
        tar.toString(),
        "-C",
        unpacked.toString(),
        "--numeric-owner",
        "--xattrs",
        "--xattrs-include=*");
    TreeSnapshot.assertSame(
        oracle,
        TreeSnapshot.ofDirectory(unpacked),
        "--format tar of "
            + image.getFileName()
            + (warnings.isEmpty() ? "" : " (our warnings: " + warnings + ")"));

    Path dir = tmp.resolve("ours-dir");
    warnings.clear();
    t0 = System.nanoTime();
    r = converter.convert(request(image + ":" + tag, dir, OutputFormat.DIR));
    System.out.printf(
        "formats: %s as a directory in %.1f s (%d bytes of content, %d entries)%n",
        image.getFileName(),
        (System.nanoTime() - t0) / 1e9,
        r.outputBytes(),
        r.merge().entriesWritten());
    // The JVM names files in one charset: a name (or symlink target) not valid in it cannot be
    // made, and must be reported instead.
    List<String> unrepresentable =
        oracle.byPath.entrySet().stream()
            .filter(
                e ->
                    !representable(e.getKey())
                        || (e.getValue().target != null && !representable(e.getValue().target)))
            .map(Map.Entry::getKey)
            .toList();
    if (!unrepresentable.isEmpty()) {
      assertTrue(
          warnings.stream().anyMatch(w -> w.contains("not kept") && w.contains("not valid")),
          unrepresentable.size()
              + " names cannot be made here, and no warning says so: "
              + warnings);
      unrepresentable.forEach(oracle.byPath::remove);
    }
    TreeSnapshot.assertSame(
        oracle,
        TreeSnapshot.ofDirectory(dir),
        "--format dir of "
            + image.getFileName()
            + (warnings.isEmpty() ? "" : " (our warnings: " + warnings + ")"));
  }

  private static ConvertRequest request(String ociRef, Path out, OutputFormat format) {
    return ConvertRequest.of(Path.of("oci:" + ociRef), out).withFormat(format);
  }

  /** Whether raw bytes (one char each) are valid in the charset the JVM names files with. */
  static boolean representable(String latin1) {
    byte[] raw = latin1.getBytes(StandardCharsets.ISO_8859_1);
    Charset cs =
        Charset.forName(System.getProperty("sun.jnu.encoding", Charset.defaultCharset().name()));
    try {
      String text =
          cs.newDecoder()
              .onMalformedInput(CodingErrorAction.REPORT)
              .onUnmappableCharacter(CodingErrorAction.REPORT)
              .decode(ByteBuffer.wrap(raw))
              .toString();
      return Arrays.equals(text.getBytes(cs), raw);
    } catch (CharacterCodingException e) {
      return false;
    }
  }
}
