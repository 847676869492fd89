package io.oci2squashfs.tar;

/**
 * An entry name or hard-link target that must never be written, such as one with a {@code ..}
 * component.
 */
public final class InvalidEntryPathException extends IllegalArgumentException {
  private static final long serialVersionUID = 1L;

  public InvalidEntryPathException(String message) {
    super(message);
  }
}
