package io.oci2squashfs.verity;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.oci2squashfs.testing.Veritysetup;
import io.oci2squashfs.verity.VerityMismatchException.Kind;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Optional;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Damage in each part of a three-level tree is found, blamed on the right block, and refused by
 * {@code veritysetup verify} too.
 */
class VerityCheckerTest {
  /** 128 * 128 + 1 blocks: level 0 has 129 hash blocks, level 1 two, level 2 (the top) one. */
  static final long BLOCKS = 16385;

  static final long SIZE = BLOCKS * 4096;
  // Sidecar layout: superblock, then the levels root-most first
  static final long TOP = 4096;
  static final long LEVEL1 = 8192;
  static final long LEVEL0 = 16384;

  @TempDir Path dir;
  Path data;
  Path hash;
  String root;

  @BeforeEach
  void writeTree() throws IOException {
    data = Veritysetup.randomData(dir.resolve("data.img"), BLOCKS, 42);
    hash = dir.resolve("data.verity");
    root = VerityWriter.writeSidecar(data, hash, VerityParameters.fromSeed("check")).rootHashHex();
    assertEquals(LEVEL0 + 129 * 4096, Files.size(hash));
  }

  private VerityMismatchException refused(Path file, long offset) throws Exception {
    Veritysetup.flipByte(file, offset);
    VerityMismatchException e =
        assertThrows(
            VerityMismatchException.class, () -> VerityChecker.check(data, SIZE, hash, 0, root));
    if (Veritysetup.installed()) {
      Veritysetup.Run r = Veritysetup.verify(data, hash, root);
      assertNotEquals(0, r.exit(), r.output());
    }
    return e;
  }

  @Test
  void acceptsAnIntactTree() throws Exception {
    VeritySuperblock sb = VerityChecker.check(data, SIZE, hash, 0, root);
    assertEquals(BLOCKS, sb.dataBlocks());
    assertEquals(VerityParameters.fromSeed("check").uuid(), sb.uuid());
  }

  @Test
  void acceptsATreeVeritysetupWrote() throws Exception {
    Veritysetup.assumeInstalled();
    Path theirs = dir.resolve("theirs");
    String r = Veritysetup.format(data, theirs, VerityParameters.fromSeed("other"));
    VerityChecker.check(data, SIZE, theirs, 0, r);
  }

  @Test
  void flippedDataByteNamesTheDataBlock() throws Exception {
    VerityMismatchException e = refused(data, 5000 * 4096L + 123);
    assertEquals(Kind.DATA_BLOCK, e.kind());
    assertEquals(data, e.file());
    assertEquals(5000 * 4096L, e.offset());
    assertEquals(-1, e.level());
    assertEquals(
        data + ": data block 5000 at byte 20480000 does not match its hash", e.getMessage());
  }

  @Test
  void flippedLevel0ByteNamesTheHashBlockNotTheData() throws Exception {
    VerityMismatchException e = refused(hash, LEVEL0 + 40 * 4096 + 77);
    assertEquals(Kind.HASH_BLOCK, e.kind());
    assertEquals(hash, e.file());
    assertEquals(LEVEL0 + 40 * 4096, e.offset());
    assertEquals(0, e.level());
    assertTrue(
        e.getMessage().startsWith(hash + ": hash block at byte 180224 (level 0"), e.getMessage());
  }

  @Test
  void flippedPaddingInTheLastLevel0BlockIsRefused() throws Exception {
    // the last level-0 block holds one digest; the rest must stay zero
    VerityMismatchException e = refused(hash, LEVEL0 + 128 * 4096 + 4000);
    assertEquals(LEVEL0 + 128 * 4096, e.offset());
    assertEquals(0, e.level());
  }

  @Test
  void flippedLevel1ByteNamesTheLevel1Block() throws Exception {
    VerityMismatchException e = refused(hash, LEVEL1 + 4096 + 5);
    assertEquals(Kind.HASH_BLOCK, e.kind());
    assertEquals(LEVEL1 + 4096, e.offset());
    assertEquals(1, e.level());
  }

  @Test
  void flippedTopByteFailsTheRootHash() throws Exception {
    VerityMismatchException e = refused(hash, TOP + 10);
    assertEquals(TOP, e.offset());
    assertEquals(2, e.level());
    assertTrue(e.getMessage().endsWith("does not match the root hash"), e.getMessage());
  }

  @Test
  void wrongRootHashIsRefused() {
    String wrong = (root.charAt(0) == '0' ? "1" : "0") + root.substring(1);
    VerityMismatchException e =
        assertThrows(
            VerityMismatchException.class, () -> VerityChecker.check(data, SIZE, hash, 0, wrong));
    assertEquals(TOP, e.offset());
  }

  @Test
  void damageInAnAppendedTreeIsFoundAtImageOffsets() throws Exception {
    Path img = Files.copy(data, dir.resolve("appended.img"));
    String r = VerityWriter.append(img, VerityParameters.fromSeed("appended")).rootHashHex();
    VerityChecker.check(img, SIZE, img, SIZE, r);
    Veritysetup.flipByte(img, SIZE + LEVEL1 + 1);
    VerityMismatchException e =
        assertThrows(
            VerityMismatchException.class, () -> VerityChecker.check(img, SIZE, img, SIZE, r));
    assertEquals(SIZE + LEVEL1, e.offset());
    assertEquals(1, e.level());
    if (Veritysetup.installed()) {
      Veritysetup.Run run = Veritysetup.verify(img, img, r, "--hash-offset=" + SIZE);
      assertNotEquals(0, run.exit(), run.output());
    }
  }

  @Test
  void singleBlockHasNoLevelAndItsDigestIsTheRoot() throws Exception {
    Path one = Veritysetup.randomData(dir.resolve("one"), 1, 1);
    Path h = dir.resolve("one.verity");
    VerityResult r = VerityWriter.writeSidecar(one, h, VerityParameters.fromSeed("one"));
    assertEquals(4096, r.hashAreaSize());
    VerityChecker.check(one, 4096, h, 0, r.rootHashHex());
    Veritysetup.flipByte(one, 4095);
    VerityMismatchException e =
        assertThrows(
            VerityMismatchException.class,
            () -> VerityChecker.check(one, 4096, h, 0, r.rootHashHex()));
    assertEquals(Kind.DATA_BLOCK, e.kind());
    assertEquals(0, e.offset());
  }

  private VerityException badSuperblock(int offset, ByteBuffer value) throws IOException {
    try (FileChannel ch = FileChannel.open(hash, StandardOpenOption.WRITE)) {
      ch.write(value, offset);
    }
    VerityException e =
        assertThrows(VerityException.class, () -> VerityChecker.check(data, SIZE, hash, 0, root));
    assertFalse(e instanceof VerityMismatchException, e.getMessage());
    assertTrue(e.getMessage().startsWith(hash + ": "), e.getMessage());
    return e;
  }

  private static ByteBuffer le32(int v) {
    return ByteBuffer.allocate(4).order(ByteOrder.LITTLE_ENDIAN).putInt(0, v);
  }

  @Test
  void superblockVersionOtherThan1IsRefused() throws IOException {
    assertTrue(badSuperblock(8, le32(2)).getMessage().contains("version 2"));
  }

  @Test
  void chromeosHashTypeIsRefused() throws IOException {
    assertTrue(badSuperblock(12, le32(0)).getMessage().contains("hash type 0"));
  }

  @Test
  void otherAlgorithmsAreRefused() throws IOException {
    assertTrue(
        badSuperblock(32, ByteBuffer.wrap("sha1\0\0".getBytes())).getMessage().contains("sha1"));
  }

  @Test
  void otherBlockSizesAreRefused() throws IOException {
    assertTrue(badSuperblock(68, le32(512)).getMessage().contains("4096/512"));
  }

  @Test
  void missingSignatureIsRefused() throws IOException {
    assertTrue(
        badSuperblock(0, ByteBuffer.wrap("VERITY".getBytes()))
            .getMessage()
            .contains("no verity superblock"));
  }

  @Test
  void dataSizeOtherThanTheSuperblocksIsRefused() {
    VerityException e =
        assertThrows(
            VerityException.class, () -> VerityChecker.check(data, SIZE - 4096, hash, 0, root));
    assertTrue(e.getMessage().contains("16385 data blocks"), e.getMessage());
  }

  @Test
  void findAppendedLooksPastTheFilesystemRoundedToABlock() throws IOException {
    Path img = dir.resolve("fs.img");
    Files.write(img, new byte[10000]);
    assertEquals(Optional.empty(), VerityChecker.findAppended(img, 10000));
    assertEquals(12288, VerityWriter.padToBlock(img));
    assertEquals(Optional.empty(), VerityChecker.findAppended(img, 10000));
    VerityResult r = VerityWriter.append(img, VerityParameters.fromSeed("fs"));
    Optional<VeritySuperblock> sb = VerityChecker.findAppended(img, 10000);
    assertTrue(sb.isPresent());
    assertEquals(3, sb.get().dataBlocks());
    assertEquals(r.uuid(), sb.get().uuid());
    assertEquals(12288, VerityChecker.appendedOffset(10000));
    VerityChecker.check(img, 12288, img, VerityChecker.appendedOffset(10000), r.rootHashHex());
  }
}
