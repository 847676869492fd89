package io.oci2squashfs.verify;

import java.nio.file.Path;
import java.util.Objects;

/**
 * What to verify and how.
 *
 * @param squashfs the image to check: a squashfs or an erofs, told by its magic
 * @param reference what it should contain
 * @param method how to read the image
 * @param options what to compare
 * @param tools the external tools to run
 * @param verityData a dm-verity hash file (superblock at byte 0) for the image, or null to look for
 *     a tree appended to the image
 * @param rootHash the trusted root hash (64 hex digits), or null to read {@code IMAGE.roothash}
 */
public record VerifyRequest(
    Path squashfs,
    Reference reference,
    Method method,
    CompareOptions options,
    VerifyTools tools,
    Path verityData,
    String rootHash) {
  public VerifyRequest {
    Objects.requireNonNull(squashfs, "squashfs");
    Objects.requireNonNull(reference, "reference");
    Objects.requireNonNull(method, "method");
    Objects.requireNonNull(options, "options");
    Objects.requireNonNull(tools, "tools");
    if (rootHash != null && !ImageVerity.isRootHash(rootHash)) {
      throw new IllegalArgumentException("root hash is not 64 hex digits (a sha256): " + rootHash);
    }
  }

  public VerifyRequest(
      Path squashfs,
      Reference reference,
      Method method,
      CompareOptions options,
      VerifyTools tools) {
    this(squashfs, reference, method, options, tools, null, null);
  }

  /** Defaults: method auto, everything but mtimes compared, tools from PATH. */
  public static VerifyRequest of(Path squashfs, Reference reference) {
    return new VerifyRequest(
        squashfs, reference, Method.AUTO, CompareOptions.DEFAULT, VerifyTools.DEFAULT);
  }

  /** The image checked, squashfs or erofs (the same as {@link #squashfs()}). */
  public Path image() {
    return squashfs;
  }

  public VerifyRequest withMethod(Method m) {
    return new VerifyRequest(squashfs, reference, m, options, tools, verityData, rootHash);
  }

  public VerifyRequest withOptions(CompareOptions o) {
    return new VerifyRequest(squashfs, reference, method, o, tools, verityData, rootHash);
  }

  public VerifyRequest withTools(VerifyTools t) {
    return new VerifyRequest(squashfs, reference, method, options, t, verityData, rootHash);
  }

  /**
   * With a hash file and a root hash, either null.
   *
   * @param data the hash file, or null to look for a tree appended to the image
   * @param root the root hash, or null to read {@code IMAGE.roothash}
   */
  public VerifyRequest withVerity(Path data, String root) {
    return new VerifyRequest(squashfs, reference, method, options, tools, data, root);
  }
}
