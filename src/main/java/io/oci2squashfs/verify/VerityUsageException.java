package io.oci2squashfs.verify;

/** A verity option that cannot apply to the image given: {@code --root-hash} without a tree. */
public final class VerityUsageException extends IllegalArgumentException {
  private static final long serialVersionUID = 1L;

  public VerityUsageException(String message) {
    super(message);
  }
}
