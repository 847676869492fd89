package io.oci2squashfs.overlay;

import io.oci2squashfs.tar.EntryPath;

/**
 * Classifies entry names by the overlay whiteout convention ({@code .wh.NAME}, {@code
 * .wh..wh..opq}).
 */
final class Whiteouts {
  static final String PREFIX = ".wh.";
  static final String OPAQUE = ".wh..wh..opq";
  private static final String AUFS_META_PREFIX = ".wh..wh.";

  /** What an entry name means to the merge. */
  enum Kind {
    /** An ordinary entry. */
    ENTRY,
    /** {@code D/.wh.NAME}: hides {@code D/NAME} in lower layers. */
    WHITEOUT,
    /** {@code D/.wh..wh..opq}: hides every lower child of {@code D}. */
    OPAQUE,
    /**
     * AUFS bookkeeping ({@code .wh..wh.plnk}, a bare {@code .wh.}, anything below a {@code .wh.}
     * name): dropped, hides nothing.
     */
    AUFS_META
  }

  private Whiteouts() {}

  static Kind classify(EntryPath path) {
    String raw = path.raw();
    if (raw.indexOf(PREFIX) < 0) {
      return Kind.ENTRY; // fast path: the overwhelming majority of names
    }
    String name = path.name();
    int lastSlash = raw.lastIndexOf('/');
    String dirPart = lastSlash < 0 ? "" : raw.substring(0, lastSlash);
    if (dirPart.startsWith(PREFIX) || dirPart.contains("/" + PREFIX)) {
      return Kind.AUFS_META; // e.g. .wh..wh.plnk/123.456: below an AUFS directory
    }
    if (!name.startsWith(PREFIX)) {
      return Kind.ENTRY;
    }
    if (name.equals(OPAQUE)) {
      return Kind.OPAQUE;
    }
    String hidden = name.substring(PREFIX.length());
    if (name.startsWith(AUFS_META_PREFIX)
        || hidden.isEmpty()
        || hidden.equals(".")
        || hidden.equals("..")) {
      return Kind.AUFS_META; // nothing a whiteout could name: dropped, hides nothing
    }
    return Kind.WHITEOUT;
  }

  /** The path a {@link Kind#WHITEOUT} entry hides. */
  static EntryPath hiddenPath(EntryPath whiteout) {
    return whiteout.parent().child(whiteout.name().substring(PREFIX.length()));
  }
}
