package io.oci2squashfs.squash;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.oci2squashfs.image.Digest;
import io.oci2squashfs.imagewrite.NewLayer;
import io.oci2squashfs.layer.Compression;
import io.oci2squashfs.tar.EntryPath;
import io.oci2squashfs.tar.EntryType;
import io.oci2squashfs.tar.Mtime;
import io.oci2squashfs.tar.TarHeader;
import io.oci2squashfs.tar.TarReader;
import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SquashedLayerWriterTest {
  @TempDir Path tmp;

  private static TarHeader h(String path, EntryType type) {
    return TarHeader.of(EntryPath.of(path), type);
  }

  @Test
  void rootFirstThenEachDirectoryWithItsMarkersThenTheRestWithDigestsThatMatch() throws Exception {
    byte[] content = "hello".getBytes(StandardCharsets.UTF_8);
    TarHeader root =
        TarHeader.of(EntryPath.ROOT, EntryType.DIRECTORY)
            .withMode(0750)
            .withOwner(3, 4)
            .withMtime(Mtime.ofSeconds(77))
            .withXattrs(Map.of("user.r", new byte[] {1}));
    NewLayer layer;
    try (SquashedLayerWriter w = new SquashedLayerWriter(tmp)) {
      w.write(h("d/f", EntryType.FILE).asFile(content.length), new ByteArrayInputStream(content));
      w.write(h("d/.wh.gone", EntryType.FILE), InputStream.nullInputStream());
      w.write(h("d/sub", EntryType.DIRECTORY), null);
      w.write(h("d", EntryType.DIRECTORY).withMode(0700), null);
      w.write(h("d2", EntryType.DIRECTORY), null);
      w.write(h("d/sub/.wh.x", EntryType.FILE), InputStream.nullInputStream());
      w.write(h("d/.wh..wh..opq", EntryType.FILE), InputStream.nullInputStream());
      w.write(h("d/l", EntryType.FILE).asHardLinkTo(EntryPath.of("d/f")), null);
      layer = w.finish(root, LayerCompression.GZIP, tmp.resolve("blob"));
    }
    byte[] blob = Files.readAllBytes(layer.blob());
    assertEquals(Digest.sha256(blob), layer.digest());
    assertEquals(blob.length, layer.size());
    byte[] tar = Compression.GZIP.decompress(new ByteArrayInputStream(blob)).readAllBytes();
    assertEquals(Digest.sha256(tar), layer.diffId());

    TarReader r = new TarReader(new ByteArrayInputStream(tar));
    List<String> order = new ArrayList<>();
    TarHeader first = r.next();
    assertTrue(first.path().isRoot(), "root entry first: " + first);
    assertEquals(0750, first.mode());
    assertEquals(3, first.uid());
    assertEquals(77, first.mtime().seconds());
    assertEquals(1, first.xattrs().get("user.r")[0]);
    for (TarHeader e = r.next(); e != null; e = r.next()) {
      order.add(e.path().display());
    }
    assertEquals(
        List.of("d", "d/.wh..wh..opq", "d/.wh.gone", "d/sub", "d/sub/.wh.x", "d2", "d/f", "d/l"),
        order);
    try (var s = Files.list(tmp)) {
      assertEquals(List.of(tmp.resolve("blob")), s.toList(), "the temporary tar is deleted");
    }
  }
}
