package io.oci2squashfs.verify;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The format and filesystem size told from synthetic superblocks. */
class FilesystemImageTest {
  @TempDir Path tmp;

  static byte[] squashfs(long bytesUsed) {
    ByteBuffer b = ByteBuffer.allocate(4096).order(ByteOrder.LITTLE_ENDIAN);
    b.put("hsqs".getBytes(java.nio.charset.StandardCharsets.US_ASCII));
    b.putLong(40, bytesUsed);
    return b.array();
  }

  static byte[] erofs(int blkszbits, long blocks) {
    ByteBuffer b = ByteBuffer.allocate(8192).order(ByteOrder.LITTLE_ENDIAN);
    b.putInt(1024, 0xE0F5E1E2);
    b.put(1024 + 12, (byte) blkszbits);
    b.putInt(1024 + 36, (int) blocks);
    return b.array();
  }

  static FilesystemImage parse(byte[] bytes) throws IOException {
    return FilesystemImage.parse(ByteBuffer.wrap(bytes), "img");
  }

  @Test
  void squashfsSizeIsBytesUsed() throws Exception {
    assertEquals(
        new FilesystemImage(FilesystemImage.Format.SQUASHFS, 123_457), parse(squashfs(123_457)));
  }

  @Test
  void erofsSizeIsBlocksTimesBlockSize() throws Exception {
    assertEquals(
        new FilesystemImage(FilesystemImage.Format.EROFS, 74 * 4096L), parse(erofs(12, 74)));
    assertEquals(new FilesystemImage(FilesystemImage.Format.EROFS, 3 * 512L), parse(erofs(9, 3)));
    // blocks is unsigned
    assertEquals(0xFFFFFFFFL << 12, parse(erofs(12, 0xFFFFFFFFL)).size());
  }

  @Test
  void anythingElseIsNamedAndRefused() throws Exception {
    for (byte[] bad :
        new byte[][] {
          new byte[0],
          "not really".getBytes(java.nio.charset.StandardCharsets.US_ASCII),
          new byte[8192]
        }) {
      IOException e = assertThrows(IOException.class, () -> parse(bad));
      assertEquals("img: not a squashfs or erofs image", e.getMessage());
    }
    assertTrue(
        assertThrows(IOException.class, () -> parse(erofs(12, 0))).getMessage().contains("erofs"));
    assertTrue(
        assertThrows(IOException.class, () -> parse(erofs(40, 1))).getMessage().contains("erofs"));
    assertTrue(
        assertThrows(IOException.class, () -> parse(squashfs(0)))
            .getMessage()
            .contains("squashfs"));
    byte[] shortErofs = java.util.Arrays.copyOf(erofs(12, 1), 1030);
    assertTrue(
        assertThrows(IOException.class, () -> parse(shortErofs)).getMessage().contains("short"));
  }

  @Test
  void probeReadsTheFile() throws Exception {
    Path f = Files.write(tmp.resolve("x.erofs"), erofs(12, 2));
    assertEquals(FilesystemImage.Format.EROFS, FilesystemImage.probe(f).format());
    Path tiny = Files.write(tmp.resolve("tiny"), new byte[] {'h', 's'});
    IOException e = assertThrows(IOException.class, () -> FilesystemImage.probe(tiny));
    assertEquals(tiny + ": not a squashfs or erofs image", e.getMessage());
  }
}
