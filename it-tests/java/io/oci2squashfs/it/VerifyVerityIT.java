package io.oci2squashfs.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.oci2squashfs.image.json.Json;
import io.oci2squashfs.testing.Veritysetup;
import io.oci2squashfs.verify.FilesystemImage;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * verify on squashfs and erofs images carrying a dm-verity tree written by {@code veritysetup
 * format} (appended at the filesystem size rounded up to 4096, or in a separate hash file): every
 * block checked before the trees are compared, a flipped byte in the data or the tree found with
 * its offset, exit 3.
 */
class VerifyVerityIT {
  static final String SALT = "5eed5eed00112233445566778899aabbccddeeff";
  static final String UUID = "0b1e2c3d-4e5f-4a6b-8c7d-9e0f1a2b3c4d";

  @TempDir Path tmp;
  Path ref;
  Path image;

  @BeforeAll
  static void tools() {
    Tools.require(
        "mksquashfs",
        "mkfs.erofs",
        "squashfuse_ll",
        "erofsfuse",
        "fusermount3",
        "getfattr",
        "setfattr",
        "veritysetup");
    assertTrue(VerifyIT.isRoot(), "the verity verify tests make trees with owners: run as root");
  }

  static String run(String... cmd) throws Exception {
    Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertTrue(p.waitFor(120, TimeUnit.SECONDS));
    assertEquals(0, p.exitValue(), String.join(" ", cmd) + ": " + out);
    return out;
  }

  /** A tree with a 1 MiB file, so that the tree has two levels; made into {@code format}. */
  Path image(FilesystemImage.Format format) throws Exception {
    VerifyIT it = new VerifyIT();
    it.tmp = tmp;
    ref = it.baseTree(tmp.resolve("ref"));
    byte[] big = new byte[1 << 20];
    new Random(42).nextBytes(big);
    Files.write(ref.resolve("etc/big"), big);
    if (format == FilesystemImage.Format.EROFS) {
      image = tmp.resolve("img.erofs");
      run("mkfs.erofs", "--quiet", image.toString(), ref.toString());
    } else {
      image = tmp.resolve("img.squashfs");
      run("mksquashfs", ref.toString(), image.toString(), "-noappend", "-quiet", "-no-progress");
    }
    return image;
  }

  /** The offset verify looks for a tree at: the filesystem's size rounded up to 4096. */
  long hashOffset() throws Exception {
    long size = FilesystemImage.probe(image).size();
    return (size + 4095) / 4096 * 4096;
  }

  /** Appends a tree with veritysetup; its root hash. */
  String appendTree() throws Exception {
    long offset = hashOffset();
    assertEquals(offset, Files.size(image), "the image ends where its filesystem does, padded");
    return rootHash(
        run(
            "veritysetup",
            "format",
            image.toString(),
            image.toString(),
            "--hash-offset=" + offset,
            "--salt=" + SALT,
            "--uuid=" + UUID));
  }

  static String rootHash(String veritysetupOutput) throws IOException {
    return Veritysetup.rootHashIn(veritysetupOutput);
  }

  static void flip(Path f, long at) throws IOException {
    Veritysetup.flipByte(f, at);
  }

  VerifyIT.Run verify(String... more) {
    String[] args = new String[4 + more.length];
    args[0] = "verify";
    args[1] = "-s";
    args[2] = image.toString();
    args[3] = "-r=" + ref;
    System.arraycopy(more, 0, args, 4, more.length);
    return VerifyIT.cli(args);
  }

  @ParameterizedTest
  @EnumSource(FilesystemImage.Format.class)
  void anAppendedTreeChecksWithTheRootHashFileOrOption(FilesystemImage.Format f) throws Exception {
    image(f);
    String root = appendTree();
    Files.writeString(Path.of(image + ".roothash"), root + "\n");
    VerifyIT.Run r = verify();
    assertEquals(0, r.code(), r.out() + r.err());
    assertTrue(
        r.out().contains("verity: ok, ")
            && r.out().contains(" match root hash " + root + " (from " + image + ".roothash)")
            && r.out().contains("tree appended at byte " + hashOffset()),
        r.out());
    assertTrue(r.out().contains("\nequal (image "), r.out());
    // the readers without a mount ignore the tree after the filesystem too
    VerifyIT.Run extracted = verify("--method", "extract");
    assertEquals(0, extracted.code(), extracted.out() + extracted.err());
    assertTrue(
        extracted
            .out()
            .contains("read by " + (f == FilesystemImage.Format.EROFS ? "extract" : "unsquashfs")),
        extracted.out());

    Files.delete(Path.of(image + ".roothash"));
    VerifyIT.Run given = verify("--root-hash", root, "--json");
    assertEquals(0, given.code(), given.out() + given.err());
    JsonNode j = Json.MAPPER.readTree(given.out());
    assertTrue(j.get("equal").asBoolean());
    assertEquals(f.label(), j.get("format").asText());
    JsonNode v = j.get("verity");
    assertTrue(v.get("checked").asBoolean());
    assertTrue(v.get("ok").asBoolean());
    assertTrue(v.get("authenticated").asBoolean());
    assertEquals(root, v.get("rootHash").asText());
    assertEquals("--root-hash", v.get("rootHashFrom").asText());
    assertEquals(hashOffset(), v.get("hashOffset").asLong());
    assertEquals(hashOffset() / 4096, v.get("dataBlocks").asLong());

    // no root hash anywhere: the tree's own, said to be unauthenticated
    VerifyIT.Run implied = verify();
    assertEquals(0, implied.code(), implied.out() + implied.err());
    assertTrue(implied.out().contains("NOT authenticated"), implied.out());
    assertTrue(implied.err().contains("NOT authenticated"), implied.err());
  }

  @ParameterizedTest
  @EnumSource(FilesystemImage.Format.class)
  void aFlippedDataByteIsNamedByItsBlock(FilesystemImage.Format f) throws Exception {
    image(f);
    String root = appendTree();
    flip(image, 5 * 4096 + 1234);
    VerifyIT.Run r = verify("--root-hash", root);
    assertEquals(3, r.code(), r.out() + r.err());
    assertTrue(
        r.out().contains("verity: FAILED: " + image + ": data block 5 at byte 20480 "), r.out());
    assertTrue(r.out().contains("the trees were not compared"), r.out());
    assertFalse(r.out().contains("\n~ "), r.out());
  }

  @ParameterizedTest
  @EnumSource(FilesystemImage.Format.class)
  void aFlippedTreeByteOrAWrongRootHashFails(FilesystemImage.Format f) throws Exception {
    image(f);
    String root = appendTree();
    VerifyIT.Run wrong = verify("--root-hash", "0".repeat(64), "--json");
    assertEquals(3, wrong.code(), wrong.out() + wrong.err());
    JsonNode fail = Json.MAPPER.readTree(wrong.out()).get("verity").get("failure");
    assertEquals("hash", fail.get("kind").asText());
    assertTrue(fail.get("message").asText().contains("does not match the root hash"), wrong.out());

    long level0 = hashOffset() + 2 * 4096; // superblock, the one level-1 block, then level 0
    flip(image, level0 + 100);
    VerifyIT.Run r = verify("--root-hash", root);
    assertEquals(3, r.code(), r.out() + r.err());
    assertTrue(
        r.out()
            .contains("verity: FAILED: " + image + ": hash block at byte " + level0 + " (level 0"),
        r.out());
  }

  @ParameterizedTest
  @EnumSource(FilesystemImage.Format.class)
  void aSidecarHashFile(FilesystemImage.Format f) throws Exception {
    image(f);
    Path side = tmp.resolve("side.verity");
    String root =
        rootHash(
            run(
                "veritysetup",
                "format",
                image.toString(),
                side.toString(),
                "--salt=" + SALT,
                "--uuid=" + UUID));
    VerifyIT.Run r = verify("--verity-data", side.toString(), "--root-hash", root);
    assertEquals(0, r.code(), r.out() + r.err());
    assertTrue(r.out().contains("tree in " + side), r.out());
    Files.writeString(Path.of(side + ".roothash"), root + "\n");
    assertEquals(0, verify("--verity-data", side.toString()).code());
    flip(image, 4096 * 2);
    VerifyIT.Run bad = verify("--verity-data", side.toString());
    assertEquals(3, bad.code(), bad.out() + bad.err());
    assertTrue(bad.out().contains("data block 2 at byte 8192"), bad.out());
  }

  @ParameterizedTest
  @EnumSource(FilesystemImage.Format.class)
  void aRootHashWithoutATreeIsAUsageError(FilesystemImage.Format f) throws Exception {
    image(f);
    VerifyIT.Run r = verify("--root-hash", "a".repeat(64));
    assertEquals(2, r.code(), r.out() + r.err());
    assertTrue(r.err().contains("no dm-verity tree"), r.err());
    VerifyIT.Run plain = verify();
    assertEquals(0, plain.code(), plain.out() + plain.err());
    assertFalse(plain.out().contains("verity"), plain.out());
  }
}
