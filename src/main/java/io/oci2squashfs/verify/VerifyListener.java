package io.oci2squashfs.verify;

/** Hears what a verification is doing. */
public interface VerifyListener {
  VerifyListener NONE = new VerifyListener() {};

  /** A step begins: mounting, unpacking, reading a tree; the text says which. */
  default void step(String what) {}

  /** Something the user should know that is not a difference (a fallback, a tool quirk corrected). */
  default void note(String message) {}
}
