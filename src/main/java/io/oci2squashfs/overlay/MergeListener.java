package io.oci2squashfs.overlay;

/** Hears about the merge's progress and its warnings. Layer indices count from the base, 0. */
public interface MergeListener {
  MergeListener NONE = new MergeListener() {};

  default void layerStarted(int layer, int layerCount) {}

  default void layerFinished(int layer, int layerCount) {}

  /**
   * Something in the input that the merge resolved by a rule, but that a user should know about.
   */
  default void warning(MergeWarning warning) {}
}
