package io.oci2squashfs.overlay;

import java.io.IOException;
import java.util.function.BiConsumer;

/**
 * Merges the same layers again until a pass learns nothing new: the one place that runs the merge's
 * passes. A newest-first pass may learn too late what it needed earlier (lower symlinks to follow
 * or to watch, paths repeated within a layer; {@link MergeResult#anotherPass()}), and a caller may
 * have its own reason (the root's attributes, which mksquashfs takes up front). Each pass gets a
 * fresh output; the previous one is discarded first. Symlinks that lead through each other in a
 * loop never settle: after {@link MergeOptions#MAX_PASSES} passes the merge fails.
 */
public final class MergePasses {
  private MergePasses() {}

  /** Where each pass's output goes. */
  public interface Outputs<O extends MergeOutput> {
    /** A fresh output for the next pass. */
    O open() throws IOException;

    /**
     * Throws away a pass's output before the next pass; {@code why} says why the pass is repeated.
     *
     * @throws IOException when the output cannot be taken back (a stream already sent), naming why
     */
    void discard(O output, MergeResult.Repeat why) throws IOException;

    /**
     * The caller's own reason to repeat a pass after {@code result}, or null; the caller updates
     * what its next {@link #open()} needs.
     */
    default MergeResult.Repeat mustRepeat(MergeResult result) {
      return null;
    }
  }

  /**
   * The settled pass: its result, its output (not yet committed or closed) and how many passes it
   * took.
   */
  public record Settled<O extends MergeOutput>(MergeResult result, O output, int passes) {}

  /**
   * Runs passes until one needs no other. On failure the current pass's output is left to the
   * caller as it was handed out (close what {@link Outputs#open()} returned).
   *
   * @param onRepeat told why each further pass runs (for a warning), before it starts
   */
  public static <O extends MergeOutput> Settled<O> settle(
      LayerSource layers,
      MergeOptions first,
      MergeListener listener,
      Outputs<O> outputs,
      BiConsumer<Integer, MergeResult.Repeat> onRepeat)
      throws IOException {
    MergeOptions options = first;
    O out = outputs.open();
    for (int pass = 1; ; pass++) {
      MergeResult result = new LayerMerger(options, listener).merge(layers, out);
      MergeResult.Repeat why = result.anotherPass();
      if (why == null) {
        why = outputs.mustRepeat(result);
      }
      if (why == null) {
        return new Settled<>(result, out, pass);
      }
      if (pass == MergeOptions.MAX_PASSES) {
        throw new IOException(
            "the merge still had more to learn after "
                + MergeOptions.MAX_PASSES
                + " passes ("
                + why.reason()
                + "); symlinks that lead through each other in a loop?");
      }
      outputs.discard(out, why);
      onRepeat.accept(pass + 1, why);
      options = options.nextPass(result);
      out = outputs.open();
    }
  }
}
