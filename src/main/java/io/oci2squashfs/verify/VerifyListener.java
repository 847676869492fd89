package io.oci2squashfs.verify;

/** Hears what a verification is doing. */
public interface VerifyListener {
  VerifyListener NONE = new VerifyListener() {};

  /** A step begins: mounting, unpacking, reading a tree; the text says which. */
  default void step(String what) {}

  /** Something the user should know that is not a difference (a fallback). */
  default void note(String message) {}

  /** A tool quirk corrected as a matter of course, worth saying only to who asks for every step. */
  default void detail(String message) {
    step(message);
  }

  /**
   * How far the current step's tree reading has got: entries read and bytes of file content hashed
   * so far in it. Called often (after each file); a listener that draws should limit itself.
   */
  default void progress(long entries, long bytes) {}
}
