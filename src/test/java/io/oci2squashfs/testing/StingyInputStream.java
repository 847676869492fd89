package io.oci2squashfs.testing;

import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;

/**
 * Behaves like a pipe: reads return at most a few bytes and {@code available()} is always 0.
 * Records whether it was closed.
 */
public final class StingyInputStream extends FilterInputStream {
  private final int maxRead;
  private boolean closed;

  public StingyInputStream(InputStream in, int maxRead) {
    super(in);
    this.maxRead = maxRead;
  }

  @Override
  public int read(byte[] b, int off, int len) throws IOException {
    return super.read(b, off, Math.min(len, maxRead));
  }

  @Override
  public int available() {
    return 0;
  }

  @Override
  public void close() throws IOException {
    closed = true;
    super.close();
  }

  public boolean isClosed() {
    return closed;
  }
}
