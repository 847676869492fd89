package io.oci2squashfs.squash;

/** Hears about a squash's progress. */
public interface SquashListener {
  SquashListener NONE = new SquashListener() {};

  /** A step starts, e.g. "merging layers 3..7". */
  default void step(String what) {}

  /** Something the user should know; the squash goes on. */
  default void warning(String message) {}
}
