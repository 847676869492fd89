package io.oci2squashfs.sink;

import io.oci2squashfs.overlay.MergeOutput;
import java.io.Closeable;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;

/**
 * Where one merge's entries go, with commit-or-abort: {@link #commit()} makes the output appear
 * under its final name; {@link #close()} without a commit throws away everything written, so a
 * failed or interrupted conversion leaves nothing behind. A sink is used for one pass; a conversion
 * that must read the image again closes it and starts a new one.
 */
public interface OutputSink extends MergeOutput, Closeable {
  /**
   * Finishes the output and moves it into place.
   *
   * @return what the tool that built the output printed when done, or an empty string
   */
  default String commit() throws IOException {
    return commit(Finish.NONE);
  }

  /**
   * Finishes the output, runs {@code finish} on it while it is still under its temporary name, and
   * moves it into place.
   *
   * @throws UnsupportedOperationException for an output that takes no finishing step
   */
  String commit(Finish finish) throws IOException;

  /** A last step on a complete output file before it gets its final name (a verity tree). */
  @FunctionalInterface
  interface Finish {
    Finish NONE = partial -> {};

    void apply(Path partial) throws IOException;
  }

  /** Bytes of merged tar (or, for a directory, of file content) written so far. */
  long bytesWritten();

  /** What the output could not keep, to tell the user once the output is committed. */
  default List<String> warnings() {
    return List.of();
  }

  /**
   * Whether a discarded pass can be followed by another: false for a stream whose bytes have
   * already gone where they cannot be taken back (standard output).
   */
  default boolean restartable() {
    return true;
  }

  /**
   * Without a successful {@link #commit()}: stops any child process and deletes the partial output.
   */
  @Override
  void close() throws IOException;
}
