package io.oci2squashfs.overlay;

import static io.oci2squashfs.overlay.MemoryLayer.p;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.oci2squashfs.tar.EntryType;
import io.oci2squashfs.tar.TarHeader;
import org.junit.jupiter.api.Test;

/**
 * The merge's memory of the layer it reads: what it skipped, and what acts on older layers at its
 * end.
 */
class CurrentLayerTest {
  @Test
  void aSkippedFileKeepsOnlyItsPositionOtherEntriesTheirHeader() {
    CurrentLayer layer = new CurrentLayer(2);
    TarHeader link = TarHeader.of(p("l"), EntryType.FILE).asHardLinkTo(p("x"));
    layer.skip(TarHeader.of(p("f"), EntryType.FILE).asFile(5), 3);
    layer.skip(link, 4);
    layer.skip(TarHeader.of(p("d"), EntryType.DIRECTORY), 5);
    assertEquals(new CurrentLayer.Skipped(3, null), layer.skippedAt(p("f")));
    assertSame(link, layer.skippedAt(p("l")).header());
    assertNull(layer.skippedAt(p("d")), "a directory is no hard-link target");
    assertTrue(layer.skippedAny(p("d")));
    assertFalse(layer.skippedAny(p("other")));
  }

  @Test
  void aPathSkippedTwiceStillAnswersForPositionsBeforeTheSecond() {
    CurrentLayer layer = new CurrentLayer(0);
    TarHeader first = TarHeader.of(p("t"), EntryType.FILE).asHardLinkTo(p("a"));
    layer.skip(first, 2);
    layer.skip(TarHeader.of(p("t"), EntryType.FILE).asFile(1), 7);
    assertEquals(7, layer.skippedAt(p("t")).ordinal());
    assertSame(first, layer.skippedBefore(p("t"), 7).header());
    assertNull(layer.skippedBefore(p("t"), 2));
  }

  @Test
  void itsWhiteoutsOpaqueMarkersAndReplacementsActOnceItEnds() {
    PathTrie trie = new PathTrie();
    CurrentLayer layer = new CurrentLayer(4);
    layer.whiteout(p("a/b"));
    layer.opaque(p("c"));
    layer.replaced(trie.findOrCreate(p("d")));
    assertNull(trie.find(p("a/b")), "nothing before the layer ends");
    layer.applyTo(trie);
    assertEquals(4, trie.find(p("a/b")).hideLayer());
    assertEquals(4, trie.find(p("c")).opaqueLayer());
    assertEquals(4, trie.find(p("d")).replaceLayer());
  }
}
