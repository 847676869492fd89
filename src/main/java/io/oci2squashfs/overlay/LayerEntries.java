package io.oci2squashfs.overlay;

import io.oci2squashfs.tar.TarHeader;
import java.io.Closeable;
import java.io.IOException;
import java.io.InputStream;

/** One layer's entries, in the order its tar holds them. */
public interface LayerEntries extends Closeable {
  /**
   * The next entry, or null at the end of the layer. Unread content of the previous entry is
   * skipped.
   */
  TarHeader next() throws IOException;

  /** The current entry's content, {@code size()} bytes; the merger never closes it. */
  InputStream content() throws IOException;
}
