package io.oci2squashfs.verify;

import io.oci2squashfs.verity.VerityChecker;
import io.oci2squashfs.verity.VerityException;
import io.oci2squashfs.verity.VerityFiles;
import io.oci2squashfs.verity.VerityMismatchException;
import io.oci2squashfs.verity.VerityParameters;
import io.oci2squashfs.verity.VeritySuperblock;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * Finds an image's dm-verity tree and its root hash, and checks every block in Java (no
 * device-mapper). The tree is the {@code --verity-data} file (superblock at byte 0), else one
 * appended to the image at its filesystem size rounded up to 4096, else an {@code IMAGE.verity}
 * beside it. The root hash is {@code --root-hash}, else the first line of {@code IMAGE.roothash}
 * (or {@code VERITY_DATA.roothash}); without one the tree is checked against the root it implies,
 * which says the tree is consistent but proves nothing about who made it.
 */
final class ImageVerity {
  static final String IMPLIED = "the tree itself";
  private static final Pattern ROOT = Pattern.compile("[0-9a-fA-F]{64}");
  private static final int BLOCK = VerityParameters.BLOCK_SIZE;

  private ImageVerity() {}

  /** Whether {@code hex} is a sha256 root hash: 64 hex digits. */
  static boolean isRootHash(String hex) {
    return hex != null && ROOT.matcher(hex).matches();
  }

  /**
   * Checks the tree of {@code image}; null when it has none and none was asked for.
   *
   * @throws VerityUsageException for {@code --root-hash} without a tree
   * @throws VerityException for a tree that cannot be checked (a bad superblock, a size that does
   *     not fit)
   */
  static VerityCheck check(
      Path image,
      FilesystemImage fs,
      Path verityData,
      String rootHash,
      VerifyListener listener,
      List<String> notes)
      throws IOException {
    long dataSize = VerityChecker.appendedOffset(fs.size());
    Path hashFile;
    long hashOffset;
    VeritySuperblock sb;
    if (verityData != null) {
      if (!Files.isRegularFile(verityData)) {
        throw new java.nio.file.NoSuchFileException(
            verityData.toString(), null, "no such verity hash file");
      }
      hashFile = verityData;
      hashOffset = 0;
      sb = VerityChecker.readSuperblock(verityData, 0);
    } else {
      Optional<VeritySuperblock> appended = VerityChecker.findAppended(image, fs.size());
      Path beside = VerityFiles.sidecarFile(image);
      Optional<VeritySuperblock> sidecar =
          appended.isPresent() ? Optional.empty() : superblockIn(beside);
      if (appended.isPresent()) {
        hashFile = image;
        hashOffset = dataSize;
        sb = appended.get();
      } else if (sidecar.isPresent()) {
        hashFile = beside;
        hashOffset = 0;
        sb = sidecar.get();
        listener.detail("found the dm-verity tree " + beside + " beside the image");
      } else {
        if (rootHash != null) {
          throw new VerityUsageException(
              "--root-hash: "
                  + image
                  + " has no dm-verity tree after its "
                  + fs.format().label()
                  + " filesystem (none at byte "
                  + dataSize
                  + "); give the hash file with --verity-data");
        }
        Path rootFile = VerityFiles.rootHashFile(image);
        if (Files.isRegularFile(rootFile)) {
          note(
              listener,
              notes,
              rootFile
                  + " is there but "
                  + image
                  + " has no dm-verity tree after its filesystem; give the tree with"
                  + " --verity-data to check it");
        }
        return null;
      }
    }
    String root;
    String from;
    if (rootHash != null) {
      root = rootHash.toLowerCase(Locale.ROOT);
      from = "--root-hash";
    } else {
      Path file = VerityFiles.rootHashFile(image);
      if (!Files.isRegularFile(file) && verityData != null) {
        file = VerityFiles.rootHashFile(verityData);
      }
      if (Files.isRegularFile(file)) {
        root = readRootHash(file);
        from = file.toString();
      } else {
        root = impliedRoot(image, hashFile, hashOffset, sb);
        from = IMPLIED;
        note(
            listener,
            notes,
            "no root hash given (--root-hash, or "
                + VerityFiles.rootHashFile(image).getFileName()
                + " beside the image): the dm-verity tree was checked against the root hash it"
                + " implies, "
                + root
                + ", which is NOT authenticated");
      }
    }
    listener.step(
        "checking "
            + sb.dataBlocks()
            + " blocks of "
            + image
            + " against the dm-verity tree"
            + (hashFile.equals(image) ? "" : " in " + hashFile));
    VerityCheck.Failure failure = null;
    try {
      VerityChecker.check(image, dataSize, hashFile, hashOffset, root);
    } catch (VerityMismatchException e) {
      failure =
          new VerityCheck.Failure(
              e.kind() == VerityMismatchException.Kind.DATA_BLOCK ? "data" : "hash",
              e.file(),
              e.offset(),
              e.level(),
              e.getMessage());
    }
    return new VerityCheck(
        root, from, !from.equals(IMPLIED), sb.dataBlocks(), hashFile, hashOffset, failure);
  }

  /** {@code IMAGE.roothash}: its first line, which must be 64 hex digits. */
  static String readRootHash(Path file) throws IOException {
    String text = Files.readString(file, StandardCharsets.US_ASCII).strip();
    int nl = text.indexOf('\n');
    String line = (nl < 0 ? text : text.substring(0, nl)).strip();
    if (!isRootHash(line)) {
      throw new VerityException(file + ": not a sha256 root hash (64 hex digits)");
    }
    return line.toLowerCase(Locale.ROOT);
  }

  /** The superblock of a hash file at {@code file}, if there is one and it is one. */
  private static Optional<VeritySuperblock> superblockIn(Path file) throws IOException {
    if (!Files.isRegularFile(file)) {
      return Optional.empty();
    }
    try {
      return Optional.of(VerityChecker.readSuperblock(file, 0));
    } catch (VerityException e) {
      return Optional.empty();
    }
  }

  /**
   * The root hash the tree implies: the salted digest of its top hash block (which follows the
   * superblock's block), or of the only data block when there is one.
   */
  static String impliedRoot(Path data, Path hashFile, long hashOffset, VeritySuperblock sb)
      throws IOException {
    ByteBuffer block = ByteBuffer.allocate(BLOCK);
    boolean single = sb.dataBlocks() == 1;
    try (FileChannel ch = FileChannel.open(single ? data : hashFile, StandardOpenOption.READ)) {
      long at = single ? 0 : hashOffset + BLOCK;
      while (block.hasRemaining()) {
        if (ch.read(block, at + block.position()) < 0) {
          throw new VerityException(
              (single ? data : hashFile) + ": ends before the block at byte " + at);
        }
      }
    }
    try {
      MessageDigest md = MessageDigest.getInstance("SHA-256");
      md.update(sb.salt());
      md.update(block.array());
      return HexFormat.of().formatHex(md.digest());
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("every Java runtime has SHA-256", e);
    }
  }

  private static void note(VerifyListener listener, List<String> notes, String message) {
    notes.add(message);
    listener.note(message);
  }
}
