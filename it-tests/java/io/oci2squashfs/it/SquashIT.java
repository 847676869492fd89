package io.oci2squashfs.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.oci2squashfs.image.Image;
import io.oci2squashfs.image.ImageLoader;
import io.oci2squashfs.image.Platform;
import io.oci2squashfs.imagewrite.ImageFormat;
import io.oci2squashfs.squash.LayerSelection;
import io.oci2squashfs.squash.SquashListener;
import io.oci2squashfs.squash.SquashRequest;
import io.oci2squashfs.squash.SquashResult;
import io.oci2squashfs.squash.Squasher;
import io.oci2squashfs.testing.ImageLayoutBuilder;
import io.oci2squashfs.testing.LayerBuilder;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * {@code squash} end to end: images squashed at several points and in every output format must load
 * with skopeo ({@code skopeo inspect}, {@code skopeo copy} to an OCI layout) and with a real engine
 * ({@code podman load}, daemonless, whose {@code image inspect} must show the new image's layers,
 * config digest and config), and {@code umoci unpack} of the result must equal {@code umoci unpack}
 * of the original, compared with {@link TreeSnapshot} (paths, types, modes, owners, content,
 * xattrs, hard links, mtimes of all but directories).
 */
class SquashIT {
  private static final Platform ANY = new Platform("linux", "amd64", null);

  @TempDir Path tmp;

  @BeforeAll
  static void tools() {
    Tools.require("umoci", "skopeo", "podman", "getfattr", "find", "stat", "sha256sum");
  }

  @Test
  void demoImage() throws Exception {
    checkAllSplits(Path.of("examples/demo-image").toAbsolutePath(), "latest");
  }

  @Test
  void kitchenSink() throws Exception {
    checkAllSplits(image(OracleImages.kitchenSink(), "kitchen"), "latest");
  }

  @ParameterizedTest(name = "seed {0}")
  @MethodSource("seeds")
  void randomImage(long seed) throws Exception {
    checkAllSplits(image(RandomImage.generate(seed, 6, false), "random" + seed), "latest");
  }

  static java.util.stream.LongStream seeds() {
    String[] range = System.getProperty("squash.seeds", "1-12").split("-");
    return java.util.stream.LongStream.rangeClosed(
        Long.parseLong(range[0]), Long.parseLong(range[range.length - 1]));
  }

  /**
   * The real Debian image of {@link RealImageIT}, through the CLI: the top 1, 3 and 6 layers and
   * all of them, each format at least once, and its docker-archive form as input too; prints the
   * sizes before and after.
   */
  @Test
  void realImage() throws Exception {
    RealImageIT.image();
    Path src = RealImageIT.DIR.resolve("oci");
    TreeSnapshot original = unpack(src, RealImageIT.TAG);
    String[][] cases = {
      {"--layers", "1", "oci"},
      {"--layers", "3", "docker-archive"},
      {"--layers", "6", "oci-archive"},
      {"--all", null, "oci"},
      {"--all", null, "docker-archive"},
      {"--layers", "4", "oci", "docker-archive"}
    }; // the docker-archive input: uncompressed layer blobs
    for (String[] c : cases) {
      ImageFormat format = ImageFormat.parse(c[2]);
      String input = c.length > 3 ? RealImageIT.ref(c[3]) : "oci:" + src + ":" + RealImageIT.TAG;
      Path out =
          tmp.resolve(
              "real-"
                  + c[0].substring(2)
                  + (c[1] == null ? "" : c[1])
                  + "-"
                  + c.length
                  + "."
                  + c[2]);
      List<String> args =
          new java.util.ArrayList<>(
              List.of(
                  "squash",
                  input,
                  "--output",
                  out.toString(),
                  "--format",
                  c[2],
                  "--tag",
                  "real:squashed",
                  c[0]));
      if (c[1] != null) {
        args.add(c[1]);
      }
      long t0 = System.nanoTime();
      VerifyIT.Run r = VerifyIT.cli(args.toArray(new String[0]));
      assertEquals(0, r.code(), String.join(" ", args) + ": " + r.out() + r.err());
      System.out.printf(
          "real image: squash %s %s as %s in %.1f s:%n%s",
          c[0], c[1] == null ? "" : c[1], c[2], (System.nanoTime() - t0) / 1e9, r.out().indent(2));
      // the real image's own layers do not all load in podman (umoci wrote a whiteout below a
      // symlink
      // it had just made); once every layer is squashed, the image must load
      checkLoads(
          out, format, original, "real image " + String.join(" ", args), c[0].equals("--all"));
    }
  }

  /**
   * Squashes the top N layers for every N, each N in one format (rotating), and checks each result.
   */
  void checkAllSplits(Path src, String tag) throws Exception {
    TreeSnapshot original = unpack(src, tag);
    Image image = ImageLoader.load(src, ANY);
    int layers = image.layers().size();
    boolean originalLoads = podmanLoadsQuietly(src);
    ImageFormat[] formats = ImageFormat.values();
    int refused = 0;
    for (int n = 1; n <= layers; n++) {
      ImageFormat format = formats[n % formats.length];
      Path out = tmp.resolve(src.getFileName() + "-top" + n + "." + format.cliName);
      SquashResult r;
      try {
        r =
            new Squasher(SquashListener.NONE)
                .squash(
                    SquashRequest.of(src.toString(), out, LayerSelection.top(n), format)
                        .withPlatform(ANY)
                        .withTag("squashed:latest"));
      } catch (IOException e) {
        if (e.getMessage().contains("one layer cannot express that")) {
          refused++; // a hard link to a lower file that a later squashed layer replaces: refused by
          // design
          continue;
        }
        throw e;
      }
      assertEquals(layers - n + 1, ImageLoader.load(out, ANY).layers().size());
      assertEquals(n, r.layersSquashed());
      checkLoads(
          out,
          format,
          original,
          src.getFileName() + " --layers " + n + " as " + format.cliName,
          originalLoads || n == layers);
    }
    assertTrue(refused < layers, "every split refused");
  }

  /**
   * skopeo inspect and copy succeed, and umoci unpack of the copy (or the layout itself) equals the
   * original.
   */
  void checkLoads(
      Path out, ImageFormat format, TreeSnapshot original, String what, boolean podmanMustLoad)
      throws Exception {
    String ref =
        switch (format) {
          case OCI -> "oci:" + out + ":latest";
          case OCI_ARCHIVE -> "oci-archive:" + out;
          case DOCKER_ARCHIVE -> "docker-archive:" + out;
        };
    if (format == ImageFormat.OCI) {
      // the tag: the ref name is the tag part of --tag
      ref = "oci:" + out + ":" + (what.startsWith("real") ? "squashed" : "latest");
    }
    if (podmanMustLoad) {
      podmanLoads(out, what);
    }
    String inspect = TreeSnapshot.run("skopeo", "inspect", ref);
    assertTrue(inspect.contains("\"Layers\""), what + ": skopeo inspect said " + inspect);
    Path copy = tmp.resolve("copy-" + out.getFileName());
    TreeSnapshot.run("skopeo", "copy", "--quiet", ref, "oci:" + copy + ":latest");
    TreeSnapshot got =
        unpack(
            format == ImageFormat.OCI ? out : copy,
            format == ImageFormat.OCI ? ref.substring(ref.lastIndexOf(':') + 1) : "latest");
    TreeSnapshot.assertSame(original, got, what);
  }

  /**
   * Whether podman loads {@code image} at all: generated images may hold what its applier refuses.
   */
  boolean podmanLoadsQuietly(Path image) throws Exception {
    try {
      podmanLoads(image, image.toString());
      return true;
    } catch (IOException e) {
      System.out.println(
          "SquashIT: podman does not load the original "
              + image.getFileName()
              + ": "
              + e.getMessage()
                  .lines()
                  .filter(l -> l.contains("level=error"))
                  .findFirst()
                  .orElse(e.getMessage()));
      return false;
    }
  }

  /**
   * {@code podman load} takes the image (a docker or OCI archive, or an OCI layout directory), into
   * storage of its own, and {@code podman image inspect} shows the layers (diff ids), the config
   * digest and the config (Cmd, Env, Entrypoint, WorkingDir, User) that the image declares.
   */
  void podmanLoads(Path out, String what) throws Exception {
    Image written = ImageLoader.load(out, ANY);
    Path storage =
        Files.createTempDirectory("o2sp"); // podman refuses a runroot of more than 50 characters
    String[] podman = {
      "podman",
      "--storage-driver",
      "vfs",
      "--root",
      storage.resolve("root").toString(),
      "--runroot",
      storage.resolve("run").toString()
    };
    try {
      String said = TreeSnapshot.run(concat(podman, "load", "-q", "-i", out.toString()));
      java.util.regex.Matcher m =
          java.util.regex.Pattern.compile("Loaded image(?:\\(s\\))?: *(\\S+)").matcher(said);
      assertTrue(m.find(), what + ": podman load said " + said);
      JsonNode inspected =
          new ObjectMapper()
              .readTree(TreeSnapshot.run(concat(podman, "image", "inspect", m.group(1))))
              .get(0);
      List<String> layers = new java.util.ArrayList<>();
      inspected.path("RootFS").path("Layers").forEach(l -> layers.add(l.asText()));
      assertEquals(
          written.layers().stream().map(l -> l.diffId().toString()).toList(),
          layers,
          what + ": podman's layers");
      assertEquals(
          written.configDigest().hex(),
          inspected.path("Id").asText(),
          what + ": podman's image id");
      JsonNode declared = new ObjectMapper().readTree(written.configJson().bytes()).path("config");
      JsonNode shown = inspected.path("Config");
      for (String field : new String[] {"Cmd", "Entrypoint", "Env", "WorkingDir", "User"}) {
        JsonNode d = declared.path(field);
        if (!d.isMissingNode()
            && !d.isNull()
            && !(d.isTextual() && d.asText().isEmpty())
            && !(d.isArray() && d.isEmpty())) { // podman leaves out what is empty
          assertEquals(d, shown.path(field), what + ": podman's config " + field);
        }
      }
    } finally {
      TreeSnapshot.run("rm", "-rf", storage.toString());
    }
  }

  private static String[] concat(String[] a, String... b) {
    String[] all = java.util.Arrays.copyOf(a, a.length + b.length);
    System.arraycopy(b, 0, all, a.length, b.length);
    return all;
  }

  /** An OCI layout tagged {@code latest} with gzip layers (umoci reads no others). */
  Path image(List<LayerBuilder> layers, String name) throws IOException {
    ImageLayoutBuilder b = ImageLayoutBuilder.oci().tag("latest");
    Map<LayerBuilder, byte[]> blobs = new IdentityHashMap<>();
    for (LayerBuilder l : layers) {
      b.layer(blobs.computeIfAbsent(l, k -> k.compressed("gzip")), OracleIT.LAYER + "+gzip");
    }
    return b.writeTo(tmp.resolve(name));
  }

  /** {@code umoci unpack} of a copy (umoci locks the image), umask 022 as {@link OracleIT} does. */
  TreeSnapshot unpack(Path image, String tag) throws Exception {
    Path work = Files.createTempDirectory(tmp, "unpack-");
    Path copy = work.resolve("image");
    TreeSnapshot.run("cp", "-a", image.toString(), copy.toString());
    Path bundle = work.resolve("bundle");
    TreeSnapshot.run(
        "sh",
        "-c",
        "umask 022 && exec umoci unpack --image \"$1\" \"$2\"",
        "sh",
        copy + ":" + tag,
        bundle.toString());
    TreeSnapshot t = TreeSnapshot.ofDirectory(bundle.resolve("rootfs"));
    TreeSnapshot.run("rm", "-rf", work.toString());
    assertTrue(new TreeSet<>(t.byPath.keySet()).size() > 1, "umoci unpacked nothing of " + image);
    return t;
  }
}
