package io.oci2squashfs.overlay;

import io.oci2squashfs.tar.TarHeader;
import java.io.IOException;
import java.io.InputStream;

/**
 * Receives the merged filesystem, one entry per path. Guarantees: no path twice; no non-directory
 * at a path that has children; a hard link always after the entry it points to; never the root (its
 * attributes are in {@link MergeResult#root()}). A directory's explicit entry may come after
 * entries below it.
 */
public interface MergeOutput {
  /**
   * Writes one entry; for a regular file {@code content} holds exactly {@code header.size()} bytes.
   */
  void write(TarHeader header, InputStream content) throws IOException;
}
