package io.oci2squashfs.overlay;

import static io.oci2squashfs.overlay.MemoryLayer.layer;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.oci2squashfs.tar.EntryType;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The cases of {@link LayerMode}, one by one: the squashed layer S of the top layers, listed as a
 * writer orders it (root, directories, markers, the rest), and a check with the oldest-first model
 * that the lower layers plus S give what the lower layers plus the top ones give.
 */
class LayerModeTest {
  /**
   * S for the layers from {@code split} up, as "TYPE path [-> target] mode", after checking it with
   * the model.
   */
  private static List<String> squashed(int split, MemoryLayer... layers) throws IOException {
    List<MemoryLayer> all = List.of(layers);
    assertNull(
        LayerModeDifferentialTest.compare(all, split), "model(L + S) differs from model(L + T)");
    List<String> out = new ArrayList<>();
    for (MemoryLayer.Entry e : LayerModeDifferentialTest.squash(all, split).entries) {
      String s =
          e.header().type()
              + " "
              + (e.header().path().isRoot() ? "." : e.header().path().display());
      if (e.header().type() == EntryType.HARDLINK) {
        s += " -> " + e.header().hardLinkTarget().display();
      }
      out.add(s + " " + Integer.toOctalString(e.header().mode()));
    }
    return out;
  }

  @Test
  void noDirectoryIsWrittenOverALowerSymlinkThatTheSquashedEntriesWentThrough() throws IOException {
    // T added lib/x through L's lib -> usr/lib, then removed it: lib stays a link
    assertEquals(
        List.of("FILE lib/.wh.x 644"),
        squashed(
            1,
            layer().dir("usr/lib").file("usr/lib/a", "a").symlink("lib", "usr/lib"),
            layer().file("lib/x", "x"),
            layer().whiteout("lib/x")));
  }

  @Test
  void aSymlinkWithinTheSquashedLayersIsFollowedForTheirNewerEntries() throws IOException {
    assertEquals(
        List.of(
            "DIRECTORY usr 755", "DIRECTORY usr/lib 755", "FILE usr/lib/x 644", "SYMLINK lib 777"),
        squashed(
            1,
            layer().file("base", "b"),
            layer().dir("usr").dir("usr/lib").symlink("lib", "usr/lib"),
            layer().file("lib/x", "x")));
  }

  @Test
  void aWhiteoutOfALowerPathStays() throws IOException {
    assertEquals(
        List.of("FILE .wh.etc 644", "FILE new 644"),
        squashed(
            1,
            layer().dir("etc").file("etc/passwd", "x"),
            layer().whiteout("etc").file("new", "n")));
  }

  @Test
  void aWhiteoutOfAPathOnlyTheTopLayersHadIsStillWrittenSinceLowerLayersMayHaveIt()
      throws IOException {
    assertEquals(
        List.of("FILE .wh.tmp 644"),
        squashed(1, layer().file("base", "b"), layer().file("tmp", "t"), layer().whiteout("tmp")));
  }

  @Test
  void aDirectoryRemovedThenMadeAgainGetsAnOpaqueMarker() throws IOException {
    assertEquals(
        List.of("DIRECTORY d 700", "FILE d/.wh..wh..opq 644", "FILE d/new 644"),
        squashed(
            1,
            layer().dir("d").file("d/old", "o"),
            layer().whiteout("d"),
            layer().dir("d", 0700).file("d/new", "n")));
  }

  @Test
  void aDirectoryRemovedThenOnlyImpliedIsWrittenWithImpliedAttributes() throws IOException {
    // L0's d was 0700 owned 5:5; after the whiteout, d exists only as the parent of d/new: 0755 0:0
    assertEquals(
        List.of("DIRECTORY d 755", "FILE d/.wh..wh..opq 644", "FILE d/new 644"),
        squashed(
            1,
            layer().dir("d", 0700, 5, 5, 1).file("d/old", "o"),
            layer().whiteout("d").file("d/new", "n")));
  }

  @Test
  void anOpaqueMarkerStaysAndHidesDeeperMarkers() throws IOException {
    assertEquals(
        List.of("FILE d/.wh..wh..opq 644", "FILE d/y 644"),
        squashed(
            1,
            layer().dir("d").file("d/x", "x").file("d/z", "z"),
            layer().whiteout("d/z"),
            layer().opaque("d").file("d/y", "y")));
  }

  @Test
  void aWhiteoutBelowARemovedDirectoryIsLeftOut() throws IOException {
    assertEquals(
        List.of("FILE .wh.a 644"),
        squashed(
            1,
            layer().dir("a").file("a/b", "b").file("a/c", "c"),
            layer().whiteout("a/b"),
            layer().whiteout("a")));
  }

  @Test
  void aNonDirectoryReplacesWhatWasBelowWithoutAMarker() throws IOException {
    assertEquals(
        List.of("FILE d 644"),
        squashed(1, layer().dir("d").file("d/x", "x"), layer().file("d", "now a file")));
  }

  @Test
  void aDirectoryOnlyImpliedIsNotWrittenSoTheLowerOneKeepsItsAttributes() throws IOException {
    assertEquals(
        List.of("FILE d/new 644"),
        squashed(1, layer().dir("d", 0700, 5, 5, 1), layer().file("d/new", "n")));
  }

  @Test
  void anImpliedDirectoryWithNothingLeftBelowIsWrittenOnlyWhenTheLowerLayersLackIt()
      throws IOException {
    assertEquals(
        List.of("DIRECTORY d 755", "FILE d/.wh.x 644"),
        squashed(1, layer().file("base", "b"), layer().file("d/x", "x"), layer().whiteout("d/x")));
    assertEquals(
        List.of("FILE d/.wh.x 644"),
        squashed(1, layer().dir("d", 0700), layer().file("d/x", "x"), layer().whiteout("d/x")));
  }

  @Test
  void aHardLinkToALowerFileStaysALink() throws IOException {
    assertEquals(
        List.of("HARDLINK l -> t 644"),
        squashed(1, layer().file("t", "lower"), layer().hardlink("l", "t")));
  }

  @Test
  void aHardLinkToALowerFileThatALaterLayerReplacesIsRefused() {
    UnsquashableLinkException e =
        assertThrows(
            UnsquashableLinkException.class,
            () ->
                LayerModeDifferentialTest.squash(
                    List.of(
                        layer().file("t", "lower"),
                        layer().hardlink("l", "t"),
                        layer().file("t", "newer")),
                    1));
    assertEquals("l", e.link().display());
    assertEquals(0, e.layer());
  }

  @Test
  void aHardLinkWhoseLowerTargetWasRemovedFirstIsDroppedAsInAWholeMerge() throws IOException {
    List<MemoryLayer> layers =
        List.of(layer().file("t", "lower"), layer().whiteout("t").hardlink("l", "t"));
    MemoryLayer s = LayerModeDifferentialTest.squash(layers, 1);
    assertEquals(
        List.of(".wh.l", ".wh.t"),
        s.entries.stream().map(e -> e.header().path().display()).sorted().toList());
  }

  @Test
  void theRootEntryOfATopLayerIsKept() throws IOException {
    assertEquals(
        List.of("DIRECTORY . 750", "FILE f 644"),
        squashed(1, layer().dir(".", 0700), layer().dir(".", 0750).file("f", "f")));
  }

  @Test
  void aPathRepeatedInOneLayerGetsItsLastEntry() throws IOException {
    assertEquals(
        List.of("FILE f 600"),
        squashed(
            1,
            layer().file("base", "b"),
            layer().file("f", "first".getBytes(), 0644).file("f", "last".getBytes(), 0600)));
  }

  @Test
  void theRootOpaqueMarkerHidesEverythingBelow() throws IOException {
    assertEquals(
        List.of("FILE .wh..wh..opq 644", "FILE new 644"),
        squashed(
            1,
            layer().file("a", "a").dir("d").file("d/x", "x"),
            layer().opaque("").file("new", "n")));
  }
}
