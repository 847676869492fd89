package io.oci2squashfs.verity;

import java.io.IOException;

/** A verity superblock or tree that cannot be used; the message is one line naming the file. */
public class VerityException extends IOException {
  private static final long serialVersionUID = 1L;

  public VerityException(String message) {
    super(message);
  }
}
