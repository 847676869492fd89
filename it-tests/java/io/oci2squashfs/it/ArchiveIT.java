package io.oci2squashfs.it;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.oci2squashfs.convert.ConvertRequest;
import io.oci2squashfs.convert.ConvertResult;
import io.oci2squashfs.convert.Converter;
import io.oci2squashfs.sink.MksquashfsOptions;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Archives as skopeo writes them from {@code examples/demo-image}, converted in place: each gives
 * the very squashfs that the directory gives. skopeo's oci-archive holds the same blobs; its
 * docker-archive holds the layers decompressed ({@code <diff id>.tar}, with {@code <id>/layer.tar}
 * symlinks), which are the same tars, so the merged stream and the image are the same too.
 */
class ArchiveIT {
  static final Path DEMO = Path.of("examples/demo-image").toAbsolutePath();
  static final MksquashfsOptions REPRODUCIBLE = MksquashfsOptions.DEFAULT.withMkfsTime(0L);

  @TempDir static Path tmp;

  static byte[] fromDirectory;

  @BeforeAll
  static void convertTheDirectory() throws Exception {
    Tools.require("mksquashfs", "unsquashfs", "skopeo");
    fromDirectory = Files.readAllBytes(convert(DEMO));
  }

  @Test
  void skopeosOciArchiveGivesTheSameImage() throws Exception {
    Path archive = tmp.resolve("oci.tar");
    skopeo("oci:" + DEMO + ":latest", "oci-archive:" + archive + ":latest");

    assertArrayEquals(fromDirectory, Files.readAllBytes(convert(archive)));
  }

  @Test
  void skopeosDockerArchiveGivesTheSameImage() throws Exception {
    Path archive = tmp.resolve("docker.tar");
    skopeo("oci:" + DEMO + ":latest", "docker-archive:" + archive + ":demo:latest");

    Path out = convert(archive);

    assertArrayEquals(fromDirectory, Files.readAllBytes(out));
    SquashfsContents.read(out).sameInode("bin/hello", "usr/bin/hi").absent("usr/share/demo/old");
  }

  @Test
  void aReferenceReachesTheConverterAsAPath() throws Exception {
    Path archive = tmp.resolve("tagged.tar");
    skopeo("oci:" + DEMO + ":latest", "docker-archive:" + archive + ":demo:1.0");

    Path out = tmp.resolve("ref.squashfs");
    ConvertResult r =
        new Converter()
            .convert(
                ConvertRequest.of(Path.of("docker-archive:" + archive + ":demo:1.0"), out)
                    .withSquashfs(REPRODUCIBLE));

    assertTrue(r.source().startsWith("docker save archive " + archive), r.source());
    assertArrayEquals(fromDirectory, Files.readAllBytes(out));
  }

  static Path convert(Path image) throws Exception {
    Path out = tmp.resolve(image.getFileName() + "-" + System.nanoTime() + ".squashfs");
    new Converter().convert(ConvertRequest.of(image, out).withSquashfs(REPRODUCIBLE));
    return out;
  }

  static void skopeo(String from, String to) throws Exception {
    Process p =
        new ProcessBuilder(List.of("skopeo", "copy", "--quiet", from, to))
            .redirectErrorStream(true)
            .start();
    String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertTrue(p.waitFor(120, TimeUnit.SECONDS), "skopeo copy timed out");
    assertEquals(0, p.exitValue(), "skopeo copy " + from + " " + to + " failed: " + output);
  }
}
