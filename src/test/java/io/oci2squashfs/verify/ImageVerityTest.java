package io.oci2squashfs.verify;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.oci2squashfs.testing.Veritysetup;
import io.oci2squashfs.verity.VerityException;
import io.oci2squashfs.verity.VerityParameters;
import io.oci2squashfs.verity.VerityResult;
import io.oci2squashfs.verity.VerityWriter;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Finding a tree and a root hash for an image, and checking it: on synthetic squashfs headers with
 * trees written by the verity package (byte for byte what veritysetup writes).
 */
class ImageVerityTest {
  static final VerityParameters P = VerityParameters.fromSeed("image-verity-test");

  @TempDir Path tmp;
  Path image;
  FilesystemImage fs;
  List<String> notes = new ArrayList<>();

  /** A "squashfs" of {@code blocks} 4096-byte blocks less 100 bytes, padded to whole blocks. */
  Path image(String name, int blocks) throws Exception {
    byte[] b = new byte[blocks * 4096];
    new Random(blocks).nextBytes(b);
    byte[] header = FilesystemImageTest.squashfs(blocks * 4096L - 100);
    System.arraycopy(header, 0, b, 0, 48);
    return Files.write(tmp.resolve(name), b);
  }

  @BeforeEach
  void setUp() throws Exception {
    image = image("x.squashfs", 300);
    fs = FilesystemImage.probe(image);
  }

  VerityCheck check(Path data, String root) throws Exception {
    return ImageVerity.check(image, fs, data, root, VerifyListener.NONE, notes);
  }

  static void flip(Path f, long at) throws IOException {
    Veritysetup.flipByte(f, at);
  }

  @Test
  void noTreeNoCheck() throws Exception {
    assertNull(check(null, null));
    assertEquals(List.of(), notes);
    VerityUsageException e =
        assertThrows(VerityUsageException.class, () -> check(null, "ab".repeat(32)));
    assertTrue(e.getMessage().contains("no dm-verity tree"), e.getMessage());
    assertTrue(e.getMessage().contains("at byte 1228800"), e.getMessage());
    Files.writeString(tmp.resolve("x.squashfs.roothash"), "ab".repeat(32) + "\n");
    assertNull(check(null, null));
    assertTrue(notes.get(0).contains("has no dm-verity tree"), notes.toString());
  }

  @Test
  void appendedTreeWithRootHashFile() throws Exception {
    VerityResult r = VerityWriter.append(image, P);
    Files.writeString(tmp.resolve("x.squashfs.roothash"), r.rootHashHex() + "\n");
    VerityCheck v = check(null, null);
    assertTrue(v.ok());
    assertTrue(v.authenticated());
    assertEquals(r.rootHashHex(), v.rootHash());
    assertEquals(tmp.resolve("x.squashfs.roothash").toString(), v.rootHashFrom());
    assertEquals(300, v.dataBlocks());
    assertEquals(image, v.hashFile());
    assertEquals(1_228_800, v.hashOffset());
    assertTrue(v.appended(image));
  }

  @Test
  void givenRootHashWinsAndAnyCaseWorks() throws Exception {
    VerityResult r = VerityWriter.append(image, P);
    Files.writeString(tmp.resolve("x.squashfs.roothash"), "00".repeat(32) + "\n");
    VerityCheck v = check(null, r.rootHashHex().toUpperCase(java.util.Locale.ROOT));
    assertTrue(v.ok(), String.valueOf(v.failure()));
    assertEquals("--root-hash", v.rootHashFrom());
  }

  @Test
  void withoutRootHashTheImpliedOneIsNotAuthenticated() throws Exception {
    VerityResult r = VerityWriter.append(image, P);
    VerityCheck v = check(null, null);
    assertTrue(v.ok());
    assertFalse(v.authenticated());
    assertEquals(r.rootHashHex(), v.rootHash());
    assertTrue(notes.get(0).contains("NOT authenticated"), notes.toString());
    assertTrue(notes.get(0).contains(r.rootHashHex()), notes.toString());
  }

  @Test
  void theImpliedRootOfOneBlockIsItsDigest() throws Exception {
    image = image("one.squashfs", 1);
    fs = FilesystemImage.probe(image);
    VerityResult r = VerityWriter.append(image, P);
    assertEquals(r.rootHashHex(), check(null, null).rootHash());
  }

  @Test
  void aFlippedDataByteNamesItsBlock() throws Exception {
    VerityResult r = VerityWriter.append(image, P);
    flip(image, 2 * 4096 + 7);
    VerityCheck v = check(null, r.rootHashHex());
    assertFalse(v.ok());
    assertEquals("data", v.failure().kind());
    assertEquals(8192, v.failure().offset());
    assertEquals(image, v.failure().file());
    assertTrue(v.failure().message().contains(image.toString()), v.failure().message());
    assertTrue(v.failure().message().contains("at byte 8192"), v.failure().message());
  }

  @Test
  void aFlippedTreeByteOrAWrongRootIsAHashBlock() throws Exception {
    VerityResult r = VerityWriter.append(image, P);
    VerityCheck wrong = check(null, "00".repeat(32));
    assertEquals("hash", wrong.failure().kind());
    assertTrue(wrong.failure().message().contains("root hash"), wrong.failure().message());
    flip(image, 1_228_800 + 4096 + 4096 + 40); // level 0, after the superblock and level 1
    VerityCheck v = check(null, r.rootHashHex());
    assertEquals("hash", v.failure().kind());
    assertEquals(0, v.failure().level());
  }

  @Test
  void sidecarGivenOrBesideTheImage() throws Exception {
    Path side = tmp.resolve("x.squashfs.verity");
    VerityResult r = VerityWriter.writeSidecar(image, side, P);
    Files.writeString(tmp.resolve("x.squashfs.roothash"), r.rootHashHex() + "\n");
    VerityCheck given = check(side, null);
    assertTrue(given.ok());
    assertEquals(side, given.hashFile());
    assertEquals(0, given.hashOffset());
    assertFalse(given.appended(image));
    VerityCheck beside = check(null, null);
    assertTrue(beside.ok());
    assertEquals(side, beside.hashFile());
    flip(image, 4096 * 299);
    assertEquals(4096 * 299, check(side, null).failure().offset());
  }

  @Test
  void aRootHashFileBesideTheHashFileIsUsed() throws Exception {
    Path side = tmp.resolve("elsewhere.verity");
    VerityResult r = VerityWriter.writeSidecar(image, side, P);
    Files.writeString(tmp.resolve("elsewhere.verity.roothash"), r.rootHashHex());
    VerityCheck v = check(side, null);
    assertTrue(v.authenticated());
    assertTrue(v.ok());
  }

  @Test
  void unusableRootHashFilesAndTreesFail() throws Exception {
    VerityWriter.append(image, P);
    Files.writeString(tmp.resolve("x.squashfs.roothash"), "not a hash\n");
    VerityException e = assertThrows(VerityException.class, () -> check(null, null));
    assertTrue(e.getMessage().contains("x.squashfs.roothash"), e.getMessage());
    Path notATree = Files.write(tmp.resolve("junk.verity"), new byte[4096]);
    assertThrows(VerityException.class, () -> check(notATree, null));
  }

  @Test
  void rootHashSyntax() {
    assertTrue(ImageVerity.isRootHash("aB".repeat(32)));
    assertFalse(ImageVerity.isRootHash("ab".repeat(31)));
    assertFalse(ImageVerity.isRootHash("zz".repeat(32)));
    assertFalse(ImageVerity.isRootHash(null));
  }
}
