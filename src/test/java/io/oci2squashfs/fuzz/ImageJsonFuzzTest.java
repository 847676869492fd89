package io.oci2squashfs.fuzz;

import com.code_intelligence.jazzer.junit.FuzzTest;
import io.oci2squashfs.image.Digest;
import io.oci2squashfs.image.Image;
import io.oci2squashfs.image.ImageLoader;
import io.oci2squashfs.image.Layer;
import io.oci2squashfs.image.Platform;
import io.oci2squashfs.layer.LayerOpener;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;

/**
 * Fuzzes image loading: index.json or manifest.json, a manifest and a config, as the loader finds
 * them on disk. The input is text cut at NUL bytes: the top file (its first character {@code O} for
 * index.json or {@code D} for a docker manifest.json), the manifest blob, the config blob and a
 * layer blob. Each blob is stored under its real digest (and the config also as {@code
 * config.json}, the layer as {@code layer.tar}), and in every part {@code @M}, {@code @C} and
 * {@code @L} stand for the digests of manifest, config and layer, {@code #M}, {@code #C} and {@code
 * #L} for their hex part, {@code @m}, {@code @c} and {@code @l} for their sizes, so that mutations
 * get past the digest checks. An {@link IOException} with a message is the expected refusal;
 * anything else is a bug.
 */
class ImageJsonFuzzTest {
  private static final Platform AMD64 = Platform.of("linux", "amd64");
  private static Path dir;

  @FuzzTest(maxDuration = "10s")
  void loadImage(byte[] data) throws Exception {
    Path image = freshDirectory();
    write(image, data);
    Image loaded;
    try {
      loaded = ImageLoader.load(image, AMD64);
    } catch (IOException e) {
      FuzzInput.requireMessage(e);
      return;
    }
    for (Layer layer : loaded.layers()) {
      if (layer.label() == null || layer.label().isEmpty()) {
        throw new AssertionError("a layer without a label");
      }
      try (InputStream in = LayerOpener.open(layer.open(), layer.mediaType(), w -> {})) {
        in.readNBytes(4096);
      } catch (IOException e) {
        FuzzInput.requireMessage(e);
      }
    }
  }

  /** Writes the image that {@code data} describes into {@code image}. */
  static void write(Path image, byte[] data) throws IOException {
    List<byte[]> parts = split(data, 4);
    byte[] top = parts.get(0);
    boolean docker = top.length > 0 && top[0] == 'D';
    if (top.length > 0 && (top[0] == 'D' || top[0] == 'O')) {
      top = java.util.Arrays.copyOfRange(top, 1, top.length);
    }
    byte[] layer = parts.get(3);
    byte[] config = substitute(parts.get(2), null, null, layer);
    byte[] manifest = substitute(parts.get(1), null, config, layer);
    top = substitute(top, manifest, config, layer);
    Path blobs = Files.createDirectories(image.resolve("blobs/sha256"));
    for (byte[] blob : List.of(layer, config, manifest)) {
      Files.write(blobs.resolve(Digest.sha256(blob).hex()), blob);
    }
    Files.write(image.resolve("config.json"), config);
    Files.write(image.resolve("layer.tar"), layer);
    if (docker) {
      Files.write(image.resolve("manifest.json"), top);
    } else {
      Files.writeString(image.resolve("oci-layout"), "{\"imageLayoutVersion\":\"1.0.0\"}");
      Files.write(image.resolve("index.json"), top);
    }
  }

  /** The input for {@link #write}: parts joined by NUL bytes. */
  static byte[] join(String... parts) {
    return String.join("\0", parts).getBytes(StandardCharsets.UTF_8);
  }

  private static byte[] substitute(byte[] text, byte[] manifest, byte[] config, byte[] layer) {
    String s = new String(text, StandardCharsets.ISO_8859_1);
    if (s.indexOf('@') < 0 && s.indexOf('#') < 0) {
      return text;
    }
    s = replace(s, 'M', 'm', manifest);
    s = replace(s, 'C', 'c', config);
    s = replace(s, 'L', 'l', layer);
    return s.getBytes(StandardCharsets.ISO_8859_1);
  }

  private static String replace(String s, char digestMark, char sizeMark, byte[] blob) {
    if (blob == null) {
      return s;
    }
    Digest d = Digest.sha256(blob);
    return s.replace("@" + digestMark, d.toString())
        .replace("#" + digestMark, d.hex())
        .replace("@" + sizeMark, Integer.toString(blob.length));
  }

  private static List<byte[]> split(byte[] data, int count) {
    List<byte[]> parts = new ArrayList<>();
    int start = 0;
    for (int i = 0; i < data.length && parts.size() < count - 1; i++) {
      if (data[i] == 0) {
        parts.add(java.util.Arrays.copyOfRange(data, start, i));
        start = i + 1;
      }
    }
    parts.add(java.util.Arrays.copyOfRange(data, Math.min(start, data.length), data.length));
    while (parts.size() < count) {
      parts.add(new byte[0]);
    }
    return parts;
  }

  private static synchronized Path freshDirectory() throws IOException {
    if (dir == null) {
      dir = Files.createTempDirectory("image-json-fuzz");
      dir.toFile().deleteOnExit();
    }
    Path image = dir.resolve("image");
    if (Files.exists(image)) {
      try (Stream<Path> walk = Files.walk(image)) {
        walk.sorted(Comparator.reverseOrder())
            .forEach(
                p -> {
                  try {
                    Files.delete(p);
                  } catch (IOException e) {
                    throw new UncheckedIOException(e);
                  }
                });
      }
    }
    return Files.createDirectories(image);
  }
}
