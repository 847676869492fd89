package io.oci2squashfs.it;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.oci2squashfs.convert.ConvertRequest;
import io.oci2squashfs.convert.Converter;
import io.oci2squashfs.testing.ImageLayoutBuilder;
import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Sparse files from real GNU tar archives, in each sparse dialect, become regular files of their
 * real content.
 */
class SparseIT {
  @TempDir Path tmp;

  @BeforeAll
  static void tools() {
    Tools.require("mksquashfs", "unsquashfs", "tar");
  }

  @ParameterizedTest
  @ValueSource(strings = {"gnu", "oldgnu", "posix:0.0", "posix:0.1", "posix:1.0"})
  void sparseFilesKeepTheirRealSizeAndContent(String format) throws Exception {
    Path root = Files.createDirectories(tmp.resolve("root"));
    Path sparse = root.resolve("sparse.img");
    byte[] expected = new byte[3 << 20];
    try (RandomAccessFile f = new RandomAccessFile(sparse.toFile(), "rw")) {
      f.setLength(expected.length);
      for (long off : new long[] {0, 1 << 20, (3 << 20) - 7}) {
        byte[] data = ("data at " + off).getBytes();
        f.seek(off);
        f.write(data, 0, (int) Math.min(data.length, expected.length - off));
        System.arraycopy(
            data, 0, expected, (int) off, (int) Math.min(data.length, expected.length - off));
      }
    }
    String[] parts = format.split(":");
    List<String> cmd =
        new java.util.ArrayList<>(List.of("tar", "--sparse", "--format=" + parts[0]));
    if (parts.length > 1) {
      cmd.add("--sparse-version=" + parts[1]);
    }
    Path layer = tmp.resolve("layer.tar");
    cmd.addAll(List.of("-C", root.toString(), "-cf", layer.toString(), "sparse.img"));
    Process p = new ProcessBuilder(cmd).inheritIO().start();
    p.waitFor(60, TimeUnit.SECONDS);
    assertEquals(0, p.exitValue(), "tar " + cmd);

    Path image =
        ImageLayoutBuilder.oci()
            .layer(Files.readAllBytes(layer), "application/vnd.oci.image.layer.v1.tar")
            .writeTo(tmp.resolve("img"));
    Path out = tmp.resolve("out.squashfs");
    new Converter().convert(ConvertRequest.of(image, out));
    SquashfsContents.read(out).fileBytes("sparse.img", expected);
  }
}
