package io.oci2squashfs.overlay;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.oci2squashfs.overlay.Whiteouts.Kind;
import io.oci2squashfs.tar.EntryPath;
import org.junit.jupiter.api.Test;

class WhiteoutsTest {
  static Kind kind(String name) {
    return Whiteouts.classify(EntryPath.of(name));
  }

  @Test
  void classifiesByTheLastComponent() {
    assertEquals(Kind.ENTRY, kind("a/b"));
    assertEquals(Kind.ENTRY, kind("a/x.wh.b"));
    assertEquals(Kind.WHITEOUT, kind("a/.wh.b"));
    assertEquals(Kind.WHITEOUT, kind(".wh.top"));
    assertEquals(Kind.OPAQUE, kind("a/.wh..wh..opq"));
    assertEquals(Kind.OPAQUE, kind(".wh..wh..opq"));
  }

  @Test
  void aufsMetadataAndMeaninglessNamesAreDropped() {
    assertEquals(Kind.AUFS_META, kind(".wh..wh.plnk"));
    assertEquals(Kind.AUFS_META, kind(".wh..wh.plnk/123.456"));
    assertEquals(Kind.AUFS_META, kind("d/.wh..wh.aufs"));
    assertEquals(Kind.AUFS_META, kind(".wh..wh.orph/x"));
    assertEquals(Kind.AUFS_META, kind("d/.wh."));
    assertEquals(Kind.AUFS_META, kind("d/.wh.."));
    assertEquals(Kind.AUFS_META, kind("d/.wh..."));
    assertEquals(Kind.AUFS_META, kind("d/.wh.x/below"));
  }

  @Test
  void hiddenPathIsTheSiblingName() {
    assertEquals(EntryPath.of("a/b"), Whiteouts.hiddenPath(EntryPath.of("a/.wh.b")));
    assertEquals(EntryPath.of("top"), Whiteouts.hiddenPath(EntryPath.of(".wh.top")));
  }
}
