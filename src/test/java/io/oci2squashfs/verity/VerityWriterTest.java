package io.oci2squashfs.verity;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.oci2squashfs.testing.Veritysetup;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.UUID;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Our trees against what {@code veritysetup format} writes for the same data and parameters. */
class VerityWriterTest {
  @TempDir Path dir;

  @BeforeAll
  static void needsVeritysetup() {
    Veritysetup.assumeInstalled();
  }

  /**
   * 1 block has no hash level; up to 128 one; 129 and 16384 two; 16385 three. Each count also ends
   * a level block full or part full.
   */
  @ParameterizedTest
  @ValueSource(longs = {1, 2, 127, 128, 129, 255, 16384, 16385})
  void sidecarMatchesVeritysetupByteForByte(long blocks) throws Exception {
    Path data = Veritysetup.randomData(dir.resolve("data"), blocks, blocks);
    VerityParameters p = VerityParameters.fromSeed("sidecar " + blocks);
    VerityResult ours = VerityWriter.writeSidecar(data, dir.resolve("ours"), p);
    String theirs = Veritysetup.format(data, dir.resolve("theirs"), p);

    assertEquals(theirs, ours.rootHashHex());
    assertArrayEquals(
        Files.readAllBytes(dir.resolve("theirs")), Files.readAllBytes(dir.resolve("ours")));
    assertEquals(Files.size(dir.resolve("theirs")), ours.hashAreaSize());
    assertEquals(0, ours.hashOffset());
    assertEquals(blocks, ours.dataBlocks());
  }

  @ParameterizedTest
  @ValueSource(longs = {1, 129, 16385})
  void appendedMatchesVeritysetupByteForByte(long blocks) throws Exception {
    Path ours = Veritysetup.randomData(dir.resolve("ours.img"), blocks, 7 * blocks);
    Path theirs = Files.copy(ours, dir.resolve("theirs.img"));
    VerityParameters p = VerityParameters.fromSeed("appended " + blocks);
    long size = blocks * 4096;

    VerityResult result = VerityWriter.append(ours, p);
    String root = Veritysetup.format(theirs, theirs, p, "--hash-offset=" + size);

    assertEquals(root, result.rootHashHex());
    assertEquals(size, result.hashOffset());
    assertEquals(Files.size(theirs), size + result.hashAreaSize());
    assertArrayEquals(Files.readAllBytes(theirs), Files.readAllBytes(ours));
  }

  /** Salt lengths other than our 32: none at all, odd, and the 256 maximum. */
  @ParameterizedTest
  @ValueSource(ints = {0, 5, 256})
  void anySaltLengthMatchesVeritysetup(int saltLength) throws Exception {
    Path data = Veritysetup.randomData(dir.resolve("data"), 200, saltLength);
    byte[] salt = new byte[saltLength];
    Arrays.fill(salt, (byte) 0xa5);
    VerityParameters p =
        new VerityParameters(salt, UUID.fromString("0f1e2d3c-4b5a-6978-8796-a5b4c3d2e1f0"));
    VerityResult ours = VerityWriter.writeSidecar(data, dir.resolve("ours"), p);
    String theirs = Veritysetup.format(data, dir.resolve("theirs"), p);

    assertEquals(theirs, ours.rootHashHex());
    assertArrayEquals(
        Files.readAllBytes(dir.resolve("theirs")), Files.readAllBytes(dir.resolve("ours")));
  }

  @Test
  void veritysetupVerifyAcceptsOurSidecarAndAppendedTrees() throws Exception {
    Path data = Veritysetup.randomData(dir.resolve("data"), 300, 3);
    VerityParameters p = VerityParameters.fromSeed("verify");
    VerityResult sidecar = VerityWriter.writeSidecar(data, dir.resolve("hash"), p);
    Veritysetup.Run r = Veritysetup.verify(data, dir.resolve("hash"), sidecar.rootHashHex());
    assertEquals(0, r.exit(), r.output());

    VerityResult appended = VerityWriter.append(data, p);
    assertEquals(sidecar.rootHashHex(), appended.rootHashHex());
    r =
        Veritysetup.verify(
            data, data, appended.rootHashHex(), "--hash-offset=" + appended.hashOffset());
    assertEquals(0, r.exit(), r.output());
    r = Veritysetup.run("dump", data.toString(), "--hash-offset=" + appended.hashOffset());
    assertEquals(0, r.exit(), r.output());
    assertTrue(r.output().contains(p.uuid().toString()), r.output());
    assertTrue(r.output().contains(appended.saltHex()), r.output());
  }

  @Test
  void padToBlockAppendsZerosToTheNextBlock() throws IOException {
    Path f = dir.resolve("f");
    Files.write(f, new byte[] {1, 2, 3});
    assertEquals(4096, VerityWriter.padToBlock(f));
    byte[] expected = new byte[4096];
    expected[0] = 1;
    expected[1] = 2;
    expected[2] = 3;
    assertArrayEquals(expected, Files.readAllBytes(f));
    assertEquals(4096, VerityWriter.padToBlock(f));
    assertEquals(4096, Files.size(f));
  }

  @Test
  void refusesDataThatIsNotWholeBlocks() throws IOException {
    Path f = Files.write(dir.resolve("f"), new byte[5000]);
    VerityException e =
        assertThrows(
            VerityException.class, () -> VerityWriter.append(f, VerityParameters.fromSeed("x")));
    assertTrue(e.getMessage().startsWith(f.toString()), e.getMessage());
    assertEquals(5000, Files.size(f));
  }

  @Test
  void sameSeedSameTreeAndRootHash() throws IOException {
    Path data = Veritysetup.randomData(dir.resolve("data"), 130, 11);
    VerityResult a =
        VerityWriter.writeSidecar(data, dir.resolve("a"), VerityParameters.fromSeed("s"));
    VerityResult b =
        VerityWriter.writeSidecar(data, dir.resolve("b"), VerityParameters.fromSeed("s"));
    VerityResult c =
        VerityWriter.writeSidecar(data, dir.resolve("c"), VerityParameters.fromSeed("t"));
    assertEquals(a, b);
    assertArrayEquals(Files.readAllBytes(dir.resolve("a")), Files.readAllBytes(dir.resolve("b")));
    assertNotEquals(a.rootHashHex(), c.rootHashHex());
  }
}
