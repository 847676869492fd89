package io.oci2squashfs.verify;

import java.util.Objects;

/**
 * The external tools verify runs, each a path or a name looked up on PATH.
 *
 * @param squashfuse the FUSE mounter of squashfs images; the low-level {@code squashfuse_ll}, whose
 *     inode numbers are the image's own, so hard links show as such
 * @param fusermount what unmounts it ({@code fusermount3}, or {@code fusermount} when that is
 *     absent)
 * @param unsquashfs for {@link Method#UNSQUASHFS}
 * @param getfattr reads every xattr namespace of a tree
 * @param umoci unpacks an image reference
 * @param erofsfuse the FUSE mounter of erofs images
 * @param fsckErofs extracts an erofs image for {@link Method#EXTRACT}; {@code dump.erofs} is looked
 *     for beside it
 */
public record VerifyTools(
    String squashfuse,
    String fusermount,
    String unsquashfs,
    String getfattr,
    String umoci,
    String erofsfuse,
    String fsckErofs) {
  public static final VerifyTools DEFAULT =
      new VerifyTools(
          "squashfuse_ll",
          "fusermount3",
          "unsquashfs",
          "getfattr",
          "umoci",
          "erofsfuse",
          "fsck.erofs");

  public VerifyTools {
    Objects.requireNonNull(squashfuse, "squashfuse");
    Objects.requireNonNull(fusermount, "fusermount");
    Objects.requireNonNull(unsquashfs, "unsquashfs");
    Objects.requireNonNull(getfattr, "getfattr");
    Objects.requireNonNull(umoci, "umoci");
    Objects.requireNonNull(erofsfuse, "erofsfuse");
    Objects.requireNonNull(fsckErofs, "fsckErofs");
  }

  /** The squashfs tools, the erofs ones as by default. */
  public VerifyTools(
      String squashfuse, String fusermount, String unsquashfs, String getfattr, String umoci) {
    this(squashfuse, fusermount, unsquashfs, getfattr, umoci, "erofsfuse", "fsck.erofs");
  }

  public VerifyTools withSquashfuse(String s) {
    return new VerifyTools(s, fusermount, unsquashfs, getfattr, umoci, erofsfuse, fsckErofs);
  }

  public VerifyTools withFusermount(String s) {
    return new VerifyTools(squashfuse, s, unsquashfs, getfattr, umoci, erofsfuse, fsckErofs);
  }

  public VerifyTools withUnsquashfs(String s) {
    return new VerifyTools(squashfuse, fusermount, s, getfattr, umoci, erofsfuse, fsckErofs);
  }

  public VerifyTools withGetfattr(String s) {
    return new VerifyTools(squashfuse, fusermount, unsquashfs, s, umoci, erofsfuse, fsckErofs);
  }

  public VerifyTools withUmoci(String s) {
    return new VerifyTools(squashfuse, fusermount, unsquashfs, getfattr, s, erofsfuse, fsckErofs);
  }

  public VerifyTools withErofsfuse(String s) {
    return new VerifyTools(squashfuse, fusermount, unsquashfs, getfattr, umoci, s, fsckErofs);
  }

  public VerifyTools withFsckErofs(String s) {
    return new VerifyTools(squashfuse, fusermount, unsquashfs, getfattr, umoci, erofsfuse, s);
  }
}
