package io.oci2squashfs.overlay;

import static io.oci2squashfs.overlay.MemoryLayer.layer;
import static io.oci2squashfs.overlay.MemoryLayer.p;
import static io.oci2squashfs.overlay.MergedTree.merge;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.oci2squashfs.tar.EntryPath;
import io.oci2squashfs.tar.EntryType;
import io.oci2squashfs.tar.Mtime;
import io.oci2squashfs.tar.TarHeader;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

/**
 * One test (at least) per rule of docs/semantics.md. Layers are listed base first, as in the doc
 * (L0, L1, ...).
 */
class LayerMergerTest {

  @Nested
  class Paths {
    @Test
    void spellingsOfOnePathAreOnePath() throws Exception {
      merge(layer().file("/a/b", "old"), layer().file("./a//./b/", "new"))
          .file("a/b", "new")
          .paths("a", "a/b")
          .noWarnings();
    }

    @Test
    void rootEntryGivesRootAttributesAndIsNeverAChild() throws Exception {
      MergedTree t =
          merge(
              layer().dir(".", 0700, 5, 6, 100).file("f", "x"),
              layer().dir("./", 0750, 7, 8, 200),
              layer().file("g", "y"));
      t.paths("f", "g");
      assertEquals(0750, t.result.root().mode());
      assertEquals(7, t.result.root().uid());
      assertEquals(8, t.result.root().gid());
      assertEquals(1, t.result.rootFromLayer());
    }

    @Test
    void rootWithoutAnyRootEntryIs0755OwnedByRoot() throws Exception {
      MergedTree t = merge(layer().file("f", "x"));
      assertEquals(0755, t.result.root().mode());
      assertEquals(0, t.result.root().uid());
      assertEquals(-1, t.result.rootFromLayer());
    }

    @Test
    void namesThatAreNotUtf8RoundTrip() throws Exception {
      String latin1Raw =
          new String(new byte[] {'c', 'a', 'f', (byte) 0xe9}, StandardCharsets.ISO_8859_1);
      MemoryLayer l =
          layer()
              .add(
                  TarHeader.of(EntryPath.of(latin1Raw), EntryType.FILE).asFile(1),
                  new byte[] {'x'});
      MergedTree t = merge(l);
      EntryPath only = t.byPath.keySet().iterator().next();
      assertArrayEquals(new byte[] {'c', 'a', 'f', (byte) 0xe9}, only.toBytes());
    }

    @Test
    void symlinkTargetsAreDataNeverNormalised() throws Exception {
      merge(layer().symlink("l", "./x//../y/")).symlink("l", "./x//../y/");
    }
  }

  @Nested
  class WhiteoutRows {
    @Test
    void whiteoutHidesPathAndEverythingBelowFromLowerLayers() throws Exception {
      merge(
              layer().dir("d").file("d/f", "x").dir("d/sub").file("d/sub/g", "y").file("keep", "k"),
              layer().whiteout("d"))
          .paths("keep")
          .noWarnings();
    }

    @Test
    void whiteoutInAMiddleLayerHidesOnlyOlderLayers() throws Exception {
      merge(layer().file("a", "0"), layer().whiteout("a"), layer().file("a", "2")).file("a", "2");
    }

    @Test
    void opaqueHidesLowerChildrenKeepsDirAndOwnChildrenWhereverTheMarkerStands() throws Exception {
      merge(
              layer().dir("d", 0700).file("d/old", "o").dir("d/sub").file("d/sub/x", "x"),
              layer().file("d/new1", "n1").opaque("d").file("d/new2", "n2"))
          .paths("d", "d/new1", "d/new2")
          .dir("d", 0700);
    }

    @Test
    void opaqueAtTheRootHidesEveryLowerEntry() throws Exception {
      merge(layer().file("a", "a").dir("b"), layer().opaque("").file("c", "c")).paths("c");
    }

    @Test
    void whiteoutAndSameNamedEntryInOneLayerKeepTheEntry() throws Exception {
      merge(layer().file("a", "old"), layer().file("a", "new").whiteout("a")).file("a", "new");
      merge(layer().file("a", "old"), layer().whiteout("a").file("a", "new")).file("a", "new");
    }

    @Test
    void whiteoutOfAPathThatNeverExistedDoesNothing() throws Exception {
      merge(layer().file("a", "x"), layer().whiteout("nothing").whiteout("no/such/dir"))
          .paths("a")
          .noWarnings();
    }

    @Test
    void aufsMetadataIsDroppedAndHidesNothing() throws Exception {
      merge(
              layer().file("plnk", "keep").file("x", "keep"),
              layer()
                  .file(".wh..wh.plnk", "")
                  .dir(".wh..wh.plnk")
                  .file(".wh..wh.plnk/123.456", "meta")
                  .file(".wh..wh.aufs", "")
                  .dir(".wh..wh.orph")
                  .file(".wh.", "")
                  .file("d/.wh.", ""))
          .paths("plnk", "x");
    }

    @Test
    void whiteoutStoredAsHardLinkOrWithContentIsStillAWhiteout() throws Exception {
      merge(
              layer().file("a", "x").file("b", "y").file("t", "t"),
              layer().hardlink(".wh.a", "t").file(".wh.b", "not empty"))
          .paths("t");
    }

    @Test
    void whiteoutEntriesNeverAppear() throws Exception {
      MergedTree t = merge(layer().file("a", "x"), layer().whiteout("a").opaque("d").dir("d"));
      t.paths("d");
      assertTrue(t.written.stream().noneMatch(h -> h.path().name().startsWith(".wh.")));
      assertEquals(2, t.result.whiteoutsApplied());
    }

    @Test
    void whiteoutOfDirThenChildInSameLayerMakesAFreshDirectory() throws Exception {
      // the lower b (mode 0700) is gone, so it must not lend its attributes to the new b
      merge(
              layer().dir("b", 0700, 9, 9, 5).file("b/old", "o"),
              layer().whiteout("b").file("b/c", "c"))
          .paths("b", "b/c")
          .dir("b", 0755);
      merge(layer().dir("b", 0700).file("b/old", "o"), layer().file("b/c", "c").whiteout("b"))
          .paths("b", "b/c")
          .dir("b", 0755);
    }
  }

  @Nested
  class Replacing {
    @Test
    void directoryOverDirectoryTakesNewestAttributesAndMergesChildren() throws Exception {
      MergedTree t =
          merge(
              layer().dir("d", 0700, 1, 1, 10).file("d/a", "a").xattr("user.old", new byte[] {1}),
              layer().dir("d", 0750, 2, 3, 20).xattr("user.new", new byte[] {2}).file("d/b", "b"));
      t.paths("d", "d/a", "d/b").dir("d", 0750);
      TarHeader d = t.get("d").header;
      assertEquals(2, d.uid());
      assertEquals(3, d.gid());
      assertEquals(Mtime.ofSeconds(20), d.mtime());
      assertEquals(List.of("user.new"), List.copyOf(d.xattrs().keySet()));
    }

    @Test
    void directoryAttributesComeFromAnOlderLayerWhenNewerLayersOnlyHaveChildren() throws Exception {
      MergedTree t = merge(layer().dir("d", 0711, 4, 4, 30), layer().file("d/x", "x"));
      t.dir("d", 0711);
      // written after its child: mksquashfs applies a later explicit entry to an implicit parent
      assertEquals(List.of("d/x", "d"), t.written.stream().map(h -> h.path().display()).toList());
    }

    @Test
    void directoryOverNonDirectoryKeepsTheDirectory() throws Exception {
      merge(
              layer().file("a", "f").symlink("b", "x").charDevice("c", 1, 3),
              layer().dir("a").file("a/x", "1").dir("b").dir("c"))
          .paths("a", "a/x", "b", "c")
          .type("a", EntryType.DIRECTORY)
          .type("b", EntryType.DIRECTORY)
          .type("c", EntryType.DIRECTORY)
          .noWarnings();
    }

    @Test
    void nonDirectoryOverDirectoryRemovesTheLowerSubtree() throws Exception {
      merge(
              layer().dir("d").file("d/a", "a").dir("d/e").file("d/e/f", "f"),
              layer().file("d", "file"))
          .paths("d")
          .file("d", "file");
      merge(layer().dir("d").file("d/a", "a"), layer().symlink("d", "/elsewhere"))
          .paths("d")
          .symlink("d", "/elsewhere");
    }

    @Test
    void nonDirectoryOverNonDirectoryIsTheNewerWholly() throws Exception {
      MergedTree t =
          merge(
              layer().file("f", "old", 0600, 1, 1).xattr("user.a", new byte[] {1}),
              layer().file("f", "new", 0755, 2, 2));
      t.file("f", "new");
      TarHeader f = t.get("f").header;
      assertEquals(0755, f.mode());
      assertEquals(2, f.uid());
      assertTrue(f.xattrs().isEmpty(), "no xattr from the older file");
      merge(layer().file("f", "x"), layer().symlink("f", "t")).symlink("f", "t");
    }

    @Test
    void childWithoutParentEntryOverLowerFileMakesADirectoryWithAWarning() throws Exception {
      merge(layer().file("p", "file"), layer().file("p/child", "c"))
          .paths("p", "p/child")
          .dir("p", 0755)
          .warned("p");
      merge(layer().fifo("p"), layer().file("p/child", "c")).dir("p", 0755).warned("fifo");
      merge(layer().charDevice("p", 1, 3), layer().file("p/child", "c")).dir("p", 0755);
    }

    @Test
    void childOverLowerFileHidesTheFilesOwnLowerSubtree() throws Exception {
      // L0 dir p with p/x, L1 file p (removes p/x), L2 p/child: p/x must not come back
      merge(
              layer().dir("p", 0700).file("p/x", "x"),
              layer().file("p", "file"),
              layer().file("p/child", "c"))
          .paths("p", "p/child")
          .dir("p", 0755);
    }

    @Test
    void childOverLowerSymlinkIsDetectedAndNamesBothPaths() throws Exception {
      MergedTree t =
          merge(
              layer().dir("usr").dir("usr/lib").symlink("lib", "usr/lib"),
              layer().file("lib/libx.so", "x"));
      t.warned("lib").warned("usr/lib").warned("layer 1");
      t.type("lib", EntryType.DIRECTORY).file("lib/libx.so", "x");
    }

    /**
     * Not a row of the doc (it speaks of lower symlinks), but tar order: a name below a symlink
     * that an earlier entry of the same tar made goes through it, as umoci extracts it.
     */
    @Test
    void childThroughASymlinkOfItsOwnLayerLandsInTheLinksTarget() throws Exception {
      merge(
              layer()
                  .dir("usr/lib")
                  .symlink("lib", "usr/lib")
                  .file("lib/y", "y")
                  .symlink("up", "/")
                  .file("up/top", "t"))
          .paths("usr", "usr/lib", "usr/lib/y", "lib", "up", "top")
          .symlink("lib", "usr/lib")
          .file("usr/lib/y", "y")
          .file("top", "t")
          .warned("lib/y: goes through lib, a symlink this layer made earlier; put at usr/lib/y");
      // a hard link's target, a whiteout and a chain of two links likewise
      merge(
              layer().file("usr/lib/a", "a").file("usr/lib/b", "b"),
              layer()
                  .symlink("lib", "usr/lib")
                  .symlink("l2", "lib")
                  .hardlink("h", "l2/a")
                  .whiteout("lib/b"))
          .paths("usr", "usr/lib", "usr/lib/a", "lib", "l2", "h")
          .sameInode("h", "usr/lib/a");
    }

    @Test
    void ownLayerSymlinkLeadsEvenWhenANewerLayerHidesIt() throws Exception {
      merge(
              layer().dir("usr/lib").symlink("lib", "usr/lib").file("lib/y", "y"),
              layer().whiteout("lib"))
          .paths("usr", "usr/lib", "usr/lib/y");
    }

    @Test
    void entriesThroughAnOwnLayerSymlinkStayWhenTheLayerLaterReplacesIt() throws Exception {
      MemoryLayer base = layer().dir("d").file("d/f0", "0");
      MemoryLayer l1 =
          layer()
              .symlink("o", "d")
              .dir("o/sub", 0750)
              .file("o/sub/x", "x")
              .whiteout("o/f0")
              .dir("o", 0700)
              .file("o/after", "a");
      for (MergedTree t : List.of(merge(base, l1), MergedTree.mergeFollowing(base, l1))) {
        t.paths("d", "d/sub", "d/sub/x", "o", "o/after").dir("o", 0700).file("d/sub/x", "x");
      }
    }

    @Test
    void ownLayerSymlinkReplacedLaterInTheTarLeadsNoMore() throws Exception {
      merge(
              layer()
                  .dir("usr/lib")
                  .symlink("lib", "usr/lib")
                  .file("lib/y", "y")
                  .dir("lib", 0700)
                  .file("lib/z", "z"))
          .paths("usr", "usr/lib", "usr/lib/y", "lib", "lib/z")
          .dir("lib", 0700);
      // a non-directory over a directory above the link removes the link with it (found by the
      // differential tests at scale 4)
      merge(
              layer()
                  .dir("t")
                  .symlink("c/a", "../t")
                  .file("c", "f")
                  .dir("c", 0700)
                  .file("c/a/b", "b"))
          .paths("t", "c", "c/a", "c/a/b")
          .dir("c/a", 0755)
          .file("c/a/b", "b");
    }

    // a hard link to a symlink is another name for the symlink (S11): the names after it go
    // through it as through the symlink (they were dropped below a "non-directory")
    @Test
    void childThroughAHardLinkToASymlinkOfItsOwnLayerLandsInTheLinksTarget() throws Exception {
      MergedTree t =
          merge(
              layer()
                  .dir("real")
                  .symlink("s", "real")
                  .hardlink("h", "s")
                  .file("h/x", "x")
                  .hardlink("h2", "h")
                  .whiteout("h2/gone")
                  .file("h2/y", "y"));
      t.paths("real", "real/x", "real/y", "s", "h", "h2")
          .sameInode("h", "s")
          .sameInode("h2", "s")
          .file("real/x", "x")
          .warned("h/x: goes through h, a symlink this layer made earlier; put at real/x");
      assertEquals(1, t.passes, "known as the layer is read");
    }

    @Test
    void childThroughAHardLinkOfItsOwnLayerToALowerSymlinkLandsInItsTarget() throws Exception {
      MergedTree t =
          MergedTree.mergeFollowing(
              layer().dir("real").file("real/a", "a").symlink("s", "real"),
              layer().hardlink("h", "s").file("h/x", "x").whiteout("h/a"));
      t.paths("real", "real/x", "s", "h").sameInode("h", "s").file("real/x", "x");
      assertEquals(2, t.passes, "what h names is known once the older layer is read");
      // what went through stays when the layer later replaces the name, or a newer layer hides it
      MergedTree.mergeFollowing(
              layer().dir("real").symlink("s", "real"),
              layer().hardlink("h", "s").file("h/x", "x").dir("h", 0700).file("h/y", "y"),
              layer().whiteout("s"))
          .paths("real", "real/x", "h", "h/y")
          .dir("h", 0700);
    }

    @Test
    void implicitDirectoryIs0755OwnedByRootAndHiddenEntriesLendNothing() throws Exception {
      MergedTree t = merge(layer().file("a/b/c", "x"));
      t.dir("a", 0755).dir("a/b", 0755);
      assertEquals(0, t.get("a").header.uid());
      merge(layer().dir("a", 0700), layer().whiteout("a"), layer().file("a/b", "x")).dir("a", 0755);
    }

    @Test
    void implicitDirectoryGetsTheConfiguredMtime() throws Exception {
      MergedTree t =
          MergedTree.merge(
              new MergeOptions(Mtime.ofSeconds(1234)),
              new MemoryLayer.Source(List.of(layer().file("a/b", "x"))));
      assertEquals(Mtime.ofSeconds(1234), t.get("a").header.mtime());
    }
  }

  @Nested
  class HardLinks {
    @Test
    void targetSurvivingSharesOneInode() throws Exception {
      merge(layer().file("t", "data"), layer().hardlink("l", "t")).sameInode("l", "t").noWarnings();
      merge(layer().file("t", "data").hardlink("l", "t")).sameInode("l", "t");
    }

    @Test
    void targetWhitedOutLaterLeavesTheLinkAsARegularFileWithOldContentAndMetadata()
        throws Exception {
      MergedTree t =
          merge(layer().file("t", "old", 0750, 3, 4).hardlink("l", "t"), layer().whiteout("t"));
      t.paths("l").file("l", "old");
      TarHeader l = t.get("l").header;
      assertEquals(0750, l.mode());
      assertEquals(3, l.uid());
      assertEquals(1, t.result.hardLinksPromoted());
    }

    @Test
    void targetInOlderLayerWhitedOutAfterTheLinkLayer() throws Exception {
      merge(layer().file("t", "old"), layer().hardlink("l", "t"), layer().whiteout("t"))
          .paths("l")
          .file("l", "old");
    }

    @Test
    void targetOverwrittenLaterKeepsOldContentInTheLinkAndSplitsTheInode() throws Exception {
      merge(layer().file("t", "old"), layer().hardlink("l", "t"), layer().file("t", "new"))
          .file("l", "old")
          .file("t", "new")
          .distinctInodes("l", "t");
    }

    @Test
    void targetEarlierInTheSameLayerOverwrittenLaterIsReadAgain() throws Exception {
      MemoryLayer.Source src =
          new MemoryLayer.Source(
              List.of(
                  layer().file("t", "old").file("other", "o").hardlink("l", "t"),
                  layer().file("t", "new")));
      MergedTree t = MergedTree.merge(MergeOptions.DEFAULT, src);
      t.file("l", "old").file("t", "new").distinctInodes("l", "t");
      assertEquals(2, src.opens[0], "layer 0 read a second time for the link's content");
      assertEquals(1, src.opens[1]);
    }

    @Test
    void severalLinksToAVanishedTargetStayOneInode() throws Exception {
      MergedTree t =
          merge(
              layer().file("t", "old").hardlink("l1", "t").hardlink("l2", "t"),
              layer().hardlink("l3", "t"),
              layer().whiteout("t"));
      t.paths("l1", "l2", "l3").sameInode("l1", "l2").sameInode("l2", "l3").file("l3", "old");
      assertEquals(1, t.result.hardLinksPromoted());
    }

    @Test
    void severalLinksInLowerLayersToAVanishedTargetStayOneInode() throws Exception {
      MergedTree t =
          merge(
              layer().file("t", "old"),
              layer().hardlink("l1", "t"),
              layer().hardlink("l2", "t"),
              layer().file("t", "new"));
      t.sameInode("l1", "l2").file("l1", "old").file("t", "new").distinctInodes("t", "l1");
    }

    @Test
    void linkWhoseTargetNeverExistedIsDroppedWithAWarning() throws Exception {
      merge(layer().file("a", "x"), layer().hardlink("l", "missing"))
          .paths("a")
          .warned("layer 1: l: hard-link target missing");
    }

    @Test
    void linkHiddenByANewerLayerIsGoneAndTheTargetUntouched() throws Exception {
      merge(layer().file("t", "x").hardlink("l", "t"), layer().whiteout("l"))
          .paths("t")
          .file("t", "x");
      merge(layer().file("t", "x"), layer().hardlink("l", "t"), layer().file("l", "own"))
          .file("l", "own")
          .file("t", "x")
          .distinctInodes("l", "t");
    }

    @Test
    void targetNamesAreNormalisedLikeEntryNames() throws Exception {
      merge(
              layer().file("usr/x", "x"),
              layer().hardlink("a", "/usr/x").hardlink("b", "./usr/x").hardlink("c", "usr//x"))
          .sameInode("a", "usr/x")
          .sameInode("b", "usr/x")
          .sameInode("c", "usr/x");
    }

    @Test
    void longTargetNameResolves() throws Exception {
      String longDir = "d".repeat(120) + "/" + "e".repeat(120);
      merge(layer().file(longDir + "/t", "x"), layer().hardlink("l", "/" + longDir + "/t"))
          .sameInode("l", longDir + "/t");
    }

    @Test
    void linkBeforeItsTargetInOneLayerIsWrittenAfterIt() throws Exception {
      MergedTree t = merge(layer().hardlink("l", "t").file("t", "x"));
      t.sameInode("l", "t");
      assertEquals(List.of("t", "l"), t.written.stream().map(h -> h.path().display()).toList());
    }

    @Test
    void linkToALinkFollowsTheChain() throws Exception {
      merge(layer().file("t", "x").hardlink("l1", "t"), layer().hardlink("l2", "l1"))
          .sameInode("l2", "t")
          .sameInode("l1", "t");
      // the middle link is overwritten: l2 still names t's inode as it was
      merge(
              layer().file("t", "x").hardlink("l1", "t"),
              layer().hardlink("l2", "l1"),
              layer().file("l1", "other"))
          .sameInode("l2", "t")
          .file("l1", "other");
    }

    @Test
    void linkToADirectoryIsDropped() throws Exception {
      merge(layer().dir("d"), layer().hardlink("l", "d")).paths("d").warned("directory");
    }

    @Test
    void linkCycleIsDroppedWithoutHanging() throws Exception {
      merge(layer().hardlink("a", "b").hardlink("b", "a")).paths().warned("a");
    }

    @Test
    void targetRemovedByTheLinksOwnLayerIsGone() throws Exception {
      // whiteouts act before the layer's own entries, so the target is gone when the link is made
      merge(layer().file("t", "x"), layer().whiteout("t").hardlink("l", "t"))
          .paths()
          .warned("removed by layer 1");
    }

    @Test
    void promotedSymlinkAndDeviceKeepTheirKind() throws Exception {
      merge(
              layer()
                  .symlink("s", "target")
                  .hardlink("ls", "s")
                  .charDevice("c", 4, 5)
                  .hardlink("lc", "c"),
              layer().whiteout("s").whiteout("c"))
          .paths("ls", "lc")
          .symlink("ls", "target")
          .type("lc", EntryType.CHAR_DEVICE);
    }
  }

  @Nested
  class EntriesAttributesContent {
    @Test
    void samePathTwiceInOneLayerTheLaterWinsWithAWarning() throws Exception {
      MergedTree t = merge(layer().file("a", "first").file("a", "second"));
      t.paths("a").file("a", "second").warned("more than once");
      assertEquals(2, t.passes, "found in a first pass, applied in a second");
    }

    @Test
    void withoutDuplicatesOnePassIsEnough() throws Exception {
      assertEquals(1, merge(layer().file("a", "x"), layer().file("a", "y")).passes);
    }

    @Test
    void duplicateDirectoryTakesTheLaterAttributes() throws Exception {
      merge(layer().dir("d", 0700).file("d/x", "x").dir("d", 0750)).dir("d", 0750).file("d/x", "x");
    }

    @Test
    void duplicateThatChangesTypeTakesTheLater() throws Exception {
      merge(layer().file("p", "file").dir("p", 0711).file("p/c", "c"))
          .dir("p", 0711)
          .file("p/c", "c");
      merge(layer().symlink("s", "a").file("s", "now a file")).file("s", "now a file");
    }

    @Test
    void hardLinkBetweenTwoEntriesOfOnePathNamesTheFirst() throws Exception {
      // t#1, l -> t (t#1's inode), t#2: l keeps t#1's content, t is t#2
      merge(layer().file("t", "one").hardlink("l", "t").file("t", "two"))
          .file("l", "one")
          .file("t", "two")
          .distinctInodes("l", "t");
    }

    @Test
    void newerLinkToARepeatedPathSeesTheLastEntry() throws Exception {
      merge(
              layer().file("t", "one").file("t", "two"),
              layer().hardlink("l", "t"),
              layer().whiteout("t"))
          .paths("l")
          .file("l", "two");
    }

    @Test
    void duplicatesInSeveralLayersAreAllFoundInOnePass() throws Exception {
      MergedTree t =
          merge(layer().file("a", "a1").file("a", "a2"), layer().file("b", "b1").file("b", "b2"));
      t.file("a", "a2").file("b", "b2");
      assertEquals(2, t.passes);
    }

    @Test
    void sameLayerListedTwiceIsAppliedTwiceWithoutDuplicates() throws Exception {
      MemoryLayer l = layer().dir("d").file("d/f", "x").hardlink("d/h", "d/f").whiteout("gone");
      merge(l, l).paths("d", "d/f", "d/h").sameInode("d/f", "d/h").noWarnings();
    }

    @Test
    void allModeBitsAreKept() throws Exception {
      MergedTree t =
          merge(
              layer()
                  .file("suid", "x", 04755, 0, 0)
                  .file("sgid", "x", 02711, 0, 0)
                  .dir("tmp", 01777));
      assertEquals(04755, t.get("suid").header.mode());
      assertEquals(02711, t.get("sgid").header.mode());
      t.dir("tmp", 01777);
    }

    @Test
    void xattrsAreCarriedByteExact() throws Exception {
      byte[] cap = {1, 0, 0, 2, (byte) 0x80, 0x20, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0};
      MergedTree t = merge(layer().file("bin/ping", "elf").xattr("security.capability", cap));
      assertArrayEquals(cap, t.get("bin/ping").header.xattrs().get("security.capability"));
    }

    @Test
    void mtimeIsTheWinningEntrys() throws Exception {
      MergedTree t = merge(layer().file("f", "a").mtime(100), layer().file("f", "b").mtime(200));
      assertEquals(Mtime.ofSeconds(200), t.get("f").header.mtime());
    }

    @Test
    void fifosAndDevicesKeepTheirNumbers() throws Exception {
      MergedTree t =
          merge(
              layer()
                  .fifo("p")
                  .charDevice("null", 1, 3)
                  .add(
                      TarHeader.of(p("sda"), EntryType.FILE)
                          .withDevice(EntryType.BLOCK_DEVICE, 8, 0),
                      null));
      t.type("p", EntryType.FIFO)
          .type("null", EntryType.CHAR_DEVICE)
          .type("sda", EntryType.BLOCK_DEVICE);
      assertEquals(1, t.get("null").header.devMajor());
      assertEquals(3, t.get("null").header.devMinor());
      assertEquals(8, t.get("sda").header.devMajor());
    }

    @Test
    void emptyFilesEmptyLayersAndWhiteoutOnlyLayers() throws Exception {
      merge(layer().file("e", ""), layer(), layer().whiteout("nothing"), layer())
          .file("e", "")
          .paths("e")
          .noWarnings();
      merge().paths();
    }

    @Test
    void everyDirectoryGetsAnExplicitEntry() throws Exception {
      MergedTree t = merge(layer().file("a/b/c/d", "x"), layer().file("a/e", "y"));
      long dirs = t.written.stream().filter(h -> h.type() == EntryType.DIRECTORY).count();
      assertEquals(3, dirs, "a, a/b, a/b/c written explicitly");
    }
  }

  /**
   * Bugs found by the umoci oracle, each pinned by its smallest case (those the adversarial review
   * found are in {@link LayerMergerReviewTest}).
   */
  @Nested
  class Regressions {
    @Test
    void parentsAboveAWhitedOutDirectoryStay() throws Exception {
      merge(layer().file("a/b/c/d", "x"), layer().whiteout("a/b")).paths("a").dir("a", 0755);
    }

    // In tar order the link is made while t is still the older file; then t is replaced.
    @Test
    void linkBeforeItsTargetsReplacementInOneLayerNamesTheOlderTarget() throws Exception {
      merge(layer().file("t", "old"), layer().hardlink("l", "t").file("t", "new"))
          .file("l", "old")
          .file("t", "new")
          .distinctInodes("l", "t");
      merge(layer().fifo("t"), layer().hardlink("l", "t").dir("t").file("t/x", "x"))
          .type("l", EntryType.FIFO)
          .type("t", EntryType.DIRECTORY);
    }

    // Found by the umoci oracle (random seed 6): a -> t, then t -> a, in one layer. Following the
    // chain from a, "t" is the older device, not t's own later entry (which waited on itself).
    @Test
    void chainInsideOneLayerStopsAtEntriesBeforeWhereItStarted() throws Exception {
      merge(
              layer().charDevice("t", 13, 247),
              layer().hardlink("a", "t").hardlink("t", "a"),
              layer().dir("a"))
          .paths("a", "t")
          .type("a", EntryType.DIRECTORY)
          .type("t", EntryType.CHAR_DEVICE)
          .noWarnings();
    }
  }
}
