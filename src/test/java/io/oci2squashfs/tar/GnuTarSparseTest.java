package io.oci2squashfs.tar;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.io.InputStream;
import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Reads sparse archives made by a real GNU tar; skipped where no GNU tar is installed. */
class GnuTarSparseTest {
  private static final int FRAGMENTS = 30; // more than 4 + 21: old GNU needs two extension blocks
  private static final int STRIDE = 32 * 1024;
  private static final int SIZE = FRAGMENTS * STRIDE + 12_345;

  private static boolean haveGnuTar;

  @TempDir Path dir;

  @BeforeAll
  static void findTar() {
    try {
      Process p = new ProcessBuilder("tar", "--version").redirectErrorStream(true).start();
      String out = new String(p.getInputStream().readAllBytes());
      haveGnuTar = p.waitFor() == 0 && out.contains("GNU tar");
    } catch (IOException e) {
      haveGnuTar = false;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  @ParameterizedTest
  @ValueSource(strings = {"gnu", "oldgnu", "posix:0.0", "posix:0.1", "posix:1.0"})
  void readsGnuTarSparseFile(String variant) throws Exception {
    assumeTrue(haveGnuTar, "GNU tar is not installed");
    Path file = dir.resolve("sparse.bin");
    try (RandomAccessFile raf = new RandomAccessFile(file.toFile(), "rw")) {
      raf.setLength(SIZE);
      for (int i = 0; i < FRAGMENTS; i++) {
        byte[] block = new byte[4096];
        java.util.Arrays.fill(block, (byte) (i + 1));
        raf.seek((long) i * STRIDE + 8192);
        raf.write(block);
      }
    }
    byte[] expected = Files.readAllBytes(file);
    Path archive = dir.resolve("a.tar");
    String[] parts = variant.split(":");
    List<String> cmd =
        new java.util.ArrayList<>(List.of("tar", "--sparse", "--format=" + parts[0]));
    if (parts.length > 1) {
      cmd.add("--sparse-version=" + parts[1]);
    }
    cmd.addAll(List.of("-C", dir.toString(), "-cf", archive.toString(), "sparse.bin"));
    Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
    String out = new String(p.getInputStream().readAllBytes());
    assertEquals(0, p.waitFor(), out);
    assumeTrue(
        Files.size(archive) < SIZE / 2,
        "this filesystem reports no holes, so tar wrote no sparse entry");

    try (InputStream in = Files.newInputStream(archive)) {
      TarReader reader = new TarReader(in);
      TarHeader h = reader.next();
      assertEquals("sparse.bin", h.path().raw());
      assertEquals(EntryType.FILE, h.type());
      assertEquals(SIZE, h.size());
      byte[] content = reader.content().readAllBytes();
      assertArrayEquals(expected, content);
      assertNull(reader.next());
      assertTrue(reader.entryNumber() == 1);
    }
  }
}
