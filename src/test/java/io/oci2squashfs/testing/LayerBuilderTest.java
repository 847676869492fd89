package io.oci2squashfs.testing;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import com.github.luben.zstd.ZstdInputStream;
import io.oci2squashfs.tar.EntryPath;
import io.oci2squashfs.tar.EntryType;
import io.oci2squashfs.tar.Mtime;
import io.oci2squashfs.tar.TarHeader;
import io.oci2squashfs.tar.TarReader;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.zip.GZIPInputStream;
import org.apache.commons.compress.compressors.bzip2.BZip2CompressorInputStream;
import org.junit.jupiter.api.Test;
import org.tukaani.xz.XZInputStream;

class LayerBuilderTest {
  private static final Mtime T = Mtime.ofSeconds(1_600_000_000L);

  private static List<TarHeader> headers(byte[] tar, List<byte[]> contents) throws IOException {
    TarReader reader = new TarReader(new ByteArrayInputStream(tar));
    List<TarHeader> out = new ArrayList<>();
    for (TarHeader h = reader.next(); h != null; h = reader.next()) {
      out.add(h);
      contents.add(reader.content().readAllBytes());
    }
    return out;
  }

  private static byte[] allBytes() {
    byte[] b = new byte[256];
    for (int i = 0; i < 256; i++) {
      b[i] = (byte) i;
    }
    return b;
  }

  @Test
  void everyKindOfEntryReadsBackWithOurReader() throws IOException {
    String longName = "l".repeat(120) + "/" + "m".repeat(120);
    byte[] nonUtf8 = {'b', 'a', 'd', (byte) 0xff};
    byte[] tar =
        LayerBuilder.layer()
            .defaultMtime(T)
            .dir("a", 0750)
            .owner(1, 2)
            .file("a/b", "content")
            .file("x", new byte[] {1, 2, 3}, 04711, 3_000_000, 7)
            .symlink("l", "../target")
            .hardlink("h", "/a/b")
            .whiteout("a/gone")
            .opaque("a")
            .fifo("p")
            .charDevice("c", 1, 3)
            .blockDevice("bd", 8, 16)
            .file("cap", "")
            .xattr("security.capability", allBytes())
            .xattr("user.text", "plain")
            .file("text-xattr", "")
            .xattr("user.t", "value=with\nnewline")
            .file("frac", "")
            .mtime(new Mtime(1_700_000_000L, 123_000_000))
            .file("neg", "")
            .mtime(-5)
            .file(longName, "long")
            .file("x", "")
            .rawName(nonUtf8)
            .file("é".repeat(60), "long non-ascii name")
            .symlink("s", "t/".repeat(60) + "é")
            .tar();
    List<byte[]> contents = new ArrayList<>();
    List<TarHeader> h = headers(tar, contents);
    assertEquals(18, h.size());

    assertEquals(
        new TarHeader(
            EntryPath.of("a"), EntryType.DIRECTORY, 0750, 1, 2, 0, T, null, null, 0, 0, null),
        h.get(0));
    assertEquals(
        new TarHeader(
            EntryPath.of("a/b"), EntryType.FILE, 0644, 0, 0, 7, T, null, null, 0, 0, null),
        h.get(1));
    assertEquals("content", new String(contents.get(1), StandardCharsets.UTF_8));
    assertEquals(
        new TarHeader(
            EntryPath.of("x"), EntryType.FILE, 04711, 3_000_000, 7, 3, T, null, null, 0, 0, null),
        h.get(2));
    assertEquals("../target", h.get(3).symlinkTarget());
    assertEquals(0777, h.get(3).mode());
    assertEquals(EntryPath.of("a/b"), h.get(4).hardLinkTarget());
    assertEquals("a/.wh.gone", h.get(5).path().raw());
    assertEquals("a/.wh..wh..opq", h.get(6).path().raw());
    assertEquals(EntryType.FIFO, h.get(7).type());
    assertEquals(EntryType.CHAR_DEVICE, h.get(8).type());
    assertEquals(3, h.get(8).devMinor());
    assertEquals(EntryType.BLOCK_DEVICE, h.get(9).type());
    assertEquals(16, h.get(9).devMinor());
    Map<String, byte[]> x = h.get(10).xattrs();
    assertArrayEquals(allBytes(), x.get("security.capability"));
    assertArrayEquals("plain".getBytes(StandardCharsets.UTF_8), x.get("user.text"));
    assertArrayEquals(
        "value=with\nnewline".getBytes(StandardCharsets.UTF_8), h.get(11).xattrs().get("user.t"));
    assertEquals(new Mtime(1_700_000_000L, 123_000_000), h.get(12).mtime());
    assertEquals(Mtime.ofSeconds(-5), h.get(13).mtime());
    assertEquals(longName, h.get(14).path().raw());
    assertArrayEquals(nonUtf8, h.get(15).path().toBytes());
    assertEquals("é".repeat(60), h.get(16).path().display());
    assertEquals(
        "t/".repeat(60) + "é",
        new String(
            h.get(17).symlinkTarget().getBytes(StandardCharsets.ISO_8859_1),
            StandardCharsets.UTF_8));
  }

  @Test
  void namesAreWrittenAsGiven() throws IOException {
    byte[] tar = LayerBuilder.layer().dir("./a/").file("/a//b", "x").tar();
    TarReader reader = new TarReader(new ByteArrayInputStream(tar));
    assertEquals(EntryPath.of("a"), reader.next().path());
    assertEquals("./a/", reader.rawName());
    assertEquals(EntryPath.of("a/b"), reader.next().path());
    assertEquals("/a//b", reader.rawName());
    assertNull(reader.next());
  }

  @Test
  void entryFromAHeaderRoundTrips() throws IOException {
    TarHeader in =
        new TarHeader(
            EntryPath.of("d/f"),
            EntryType.FILE,
            0600,
            5,
            6,
            3,
            T,
            null,
            null,
            0,
            0,
            Map.of("user.k", new byte[] {(byte) 0x80}));
    List<byte[]> contents = new ArrayList<>();
    List<TarHeader> out =
        headers(LayerBuilder.layer().entry(in, new byte[] {9, 8, 7}).tar(), contents);
    assertEquals(List.of(in), out);
    assertArrayEquals(new byte[] {9, 8, 7}, contents.get(0));
  }

  @Test
  void everyCompressionDecompressesToTheSameTar() throws IOException {
    LayerBuilder b = LayerBuilder.layer().dir("a").file("a/b", "hello ".repeat(1000));
    byte[] tar = b.tar();
    assertArrayEquals(tar, b.compressed("tar"));
    assertArrayEquals(tar, new GZIPInputStream(new ByteArrayInputStream(b.gzip())).readAllBytes());
    assertArrayEquals(tar, readAll(new ZstdInputStream(new ByteArrayInputStream(b.zstd()))));
    assertArrayEquals(
        tar, readAll(new BZip2CompressorInputStream(new ByteArrayInputStream(b.bzip2()))));
    assertArrayEquals(tar, readAll(new XZInputStream(new ByteArrayInputStream(b.xz()))));
    assertArrayEquals(b.gzip(), b.compressed("gz"), "deterministic");
  }

  private static byte[] readAll(InputStream in) throws IOException {
    try (InputStream i = in) {
      return i.readAllBytes();
    }
  }
}
