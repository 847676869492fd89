package io.oci2squashfs.extract;

import io.oci2squashfs.tar.EntryPath;
import java.io.IOException;

/** An entry that could only be extracted by writing somewhere other than where it says: refused. */
public final class UnsafeEntryException extends IOException {
  private static final long serialVersionUID = 1L;

  UnsafeEntryException(EntryPath entry, String why) {
    super("refusing to extract " + entry.display() + ": " + why);
  }
}
