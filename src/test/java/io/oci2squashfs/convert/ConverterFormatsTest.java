package io.oci2squashfs.convert;

import static io.oci2squashfs.testing.LayerBuilder.layer;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.oci2squashfs.image.Platform;
import io.oci2squashfs.layer.MediaTypes;
import io.oci2squashfs.tar.EntryPath;
import io.oci2squashfs.tar.EntryType;
import io.oci2squashfs.tar.TarHeader;
import io.oci2squashfs.tar.TarReader;
import io.oci2squashfs.testing.ImageLayoutBuilder;
import io.oci2squashfs.testing.LayerBuilder;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The tar and directory outputs, through the whole conversion; no mksquashfs needed. */
class ConverterFormatsTest {
  @TempDir Path tmp;
  private Path victim;
  private final List<String> warnings = new ArrayList<>();
  private final Converter converter =
      new Converter(
          new ConvertListener() {
            @Override
            public void warning(String message) {
              warnings.add(message);
            }
          });

  @BeforeEach
  void setUp() throws IOException {
    victim = Files.createDirectory(tmp.resolve("victim"));
    Files.writeString(victim.resolve("passwd"), "root:x:0:0");
  }

  private Path image(LayerBuilder... layers) throws IOException {
    ImageLayoutBuilder b = ImageLayoutBuilder.oci().platform("linux", "amd64").tag("latest");
    for (LayerBuilder l : layers) {
      b.layer(l.gzip(), MediaTypes.OCI_LAYER_GZIP);
    }
    return b.writeTo(Files.createDirectories(tmp.resolve("image")));
  }

  private ConvertResult convert(Path image, Path output, OutputFormat format) throws IOException {
    return converter.convert(
        ConvertRequest.of(image, output)
            .withFormat(format)
            .withPlatform(Platform.parse("linux/amd64")));
  }

  private void assertVictimUntouched() throws IOException {
    try (Stream<Path> files = Files.list(victim)) {
      assertEquals(List.of(victim.resolve("passwd")), files.toList());
    }
    assertEquals("root:x:0:0", Files.readString(victim.resolve("passwd")));
  }

  @Test
  void aLayerCannotWriteThroughASymlinkAnOlderLayerMade() throws IOException {
    Path image =
        image(
            layer()
                .symlink("evil", victim.toString())
                .symlink("up", "../../../victim")
                .symlink("abs", "/"),
            layer()
                .file("evil/passwd", "pwnd")
                .dir("up/made")
                .file("abs/" + victim.toString().substring(1) + "/new", "x"));
    Path out = tmp.resolve("rootfs");
    convert(image, out, OutputFormat.DIR);

    assertVictimUntouched();
    // as runtimes do, the entries go through the links, but inside the image: an absolute target
    // starts at the image's root and .. stops there
    String inImage = victim.toString().substring(1);
    assertTrue(Files.isSymbolicLink(out.resolve("evil")));
    assertEquals(
        "pwnd", Files.readString(out.resolve(inImage).resolve("passwd"), StandardCharsets.UTF_8));
    assertTrue(Files.isDirectory(out.resolve("victim/made"), LinkOption.NOFOLLOW_LINKS));
    assertTrue(Files.isRegularFile(out.resolve(inImage).resolve("new"), LinkOption.NOFOLLOW_LINKS));
    assertFalse(warnings.isEmpty(), "the user is told that entries went through a symlink");
  }

  @Test
  void aHardLinkOutOfTheImageFailsTheConversionAndLeavesNothing() throws IOException {
    Path image = image(layer().file("a", "x").hardlink("h", "../../victim/passwd"));
    Path out = tmp.resolve("rootfs");
    assertThrows(IOException.class, () -> convert(image, out, OutputFormat.DIR));
    assertVictimUntouched();
    try (Stream<Path> files = Files.list(tmp)) {
      assertEquals(Set.of(victim, tmp.resolve("image")), Set.copyOf(files.toList()));
    }
  }

  @Test
  void theTarHoldsTheMergedTreeWithItsRootFirst() throws IOException {
    Path image =
        image(
            layer()
                .dir("etc", 0700)
                .file("etc/gone", "old")
                .file("etc/kept", "old")
                .file("etc/motd", "v1"),
            layer().whiteout("etc/gone").file("etc/motd", "v2").hardlink("etc/motd2", "etc/motd"));
    Path out = tmp.resolve("rootfs.tar");
    ConvertResult r = convert(image, out, OutputFormat.TAR);

    assertEquals(Files.size(out), r.outputBytes());
    List<TarHeader> headers = new ArrayList<>();
    List<String> motd = new ArrayList<>();
    try (InputStream in = Files.newInputStream(out)) {
      TarReader reader = new TarReader(in);
      for (TarHeader h = reader.next(); h != null; h = reader.next()) {
        headers.add(h);
        if (h.path().equals(EntryPath.of("etc/motd"))) {
          motd.add(new String(reader.content().readAllBytes()));
        }
      }
    }
    assertEquals(EntryPath.ROOT, headers.get(0).path());
    assertEquals(EntryType.DIRECTORY, headers.get(0).type());
    Set<String> paths = new HashSet<>();
    headers.forEach(h -> assertTrue(paths.add(h.path().raw()), "twice: " + h));
    assertEquals(Set.of("", "etc", "etc/kept", "etc/motd", "etc/motd2"), paths);
    assertEquals(List.of("v2"), motd);
    assertEquals(
        0700,
        headers.stream()
            .filter(h -> h.path().raw().equals("etc"))
            .findFirst()
            .orElseThrow()
            .mode());
  }

  @Test
  void entriesBelowALowerSymlinkGoThroughItInASecondPass() throws IOException {
    Path image =
        image(
            layer().dir("usr").dir("usr/lib").file("usr/lib/a", "a").symlink("lib", "usr/lib"),
            layer().file("lib/libx.so", "x"));
    Path out = tmp.resolve("rootfs.tar");
    convert(image, out, OutputFormat.TAR);

    List<TarHeader> headers = new ArrayList<>();
    try (InputStream in = Files.newInputStream(out)) {
      TarReader reader = new TarReader(in);
      for (TarHeader h = reader.next(); h != null; h = reader.next()) {
        headers.add(h);
      }
    }
    Set<String> paths = new HashSet<>();
    headers.forEach(h -> assertTrue(paths.add(h.path().raw()), "twice: " + h));
    assertEquals(Set.of("", "usr", "usr/lib", "usr/lib/a", "usr/lib/libx.so", "lib"), paths);
    TarHeader lib =
        headers.stream().filter(h -> h.path().raw().equals("lib")).findFirst().orElseThrow();
    assertEquals(EntryType.SYMLINK, lib.type());
    assertTrue(
        warnings.stream().anyMatch(w -> w.contains("reading the image again")),
        warnings.toString());
    assertTrue(
        warnings.stream().anyMatch(w -> w.contains("they are put in usr/lib")),
        warnings.toString());
  }

  @Test
  void aDirectoryOutputEqualsTheTarOutput() throws IOException {
    Path image =
        image(
            layer().dir("d", 0750).file("d/f", "one").symlink("d/l", "f").file("x", "gone"),
            layer().whiteout("x").file("d/g", "two").hardlink("d/h", "d/f"));
    Path dir = tmp.resolve("rootfs");
    ConvertResult r = convert(image, dir, OutputFormat.DIR);
    assertEquals(OutputFormat.DIR, r.format());
    assertEquals(6, r.outputBytes(), "bytes of file content: one + two");

    assertFalse(Files.exists(dir.resolve("x")));
    assertEquals("one", Files.readString(dir.resolve("d/f")));
    assertEquals("two", Files.readString(dir.resolve("d/g")));
    assertEquals("f", Files.readSymbolicLink(dir.resolve("d/l")).toString());
    assertEquals(
        Files.getAttribute(dir.resolve("d/f"), "unix:ino"),
        Files.getAttribute(dir.resolve("d/h"), "unix:ino"));
    assertEquals(0750, ((Integer) Files.getAttribute(dir.resolve("d"), "unix:mode")) & 07777);
  }

  @Test
  void aNonEmptyDirectoryIsRefusedWithoutForce() throws IOException {
    Path image = image(layer().file("a", "new"));
    Path out = Files.createDirectory(tmp.resolve("rootfs"));
    Files.writeString(out.resolve("old"), "old");
    IOException e = assertThrows(IOException.class, () -> convert(image, out, OutputFormat.DIR));
    assertTrue(e.getMessage().contains("--force"), e.getMessage());
    assertTrue(Files.exists(out.resolve("old")));

    converter.convert(
        ConvertRequest.of(image, out)
            .withFormat(OutputFormat.DIR)
            .withForce(true)
            .withPlatform(Platform.parse("linux/amd64")));
    assertFalse(Files.exists(out.resolve("old")));
    assertEquals("new", Files.readString(out.resolve("a")));
  }
}
