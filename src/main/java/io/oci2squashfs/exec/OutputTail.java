package io.oci2squashfs.exec;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;

/**
 * Drains a child's output stream on its own thread, keeping only the last bytes, so that a chatty
 * tool never blocks on a full pipe and its final words are at hand for an error message.
 */
public final class OutputTail {
  private final byte[] ring;
  private long total;
  private final Thread thread;

  /** Starts draining {@code in}; the thread ends (and closes {@code in}) at end of stream. */
  public OutputTail(InputStream in, int keepBytes, String threadName) {
    this.ring = new byte[keepBytes];
    this.thread = new Thread(() -> drain(in), threadName);
    thread.setDaemon(true);
    thread.start();
  }

  private void drain(InputStream in) {
    byte[] buf = new byte[8192];
    try (in) {
      for (int n; (n = in.read(buf)) >= 0; ) {
        synchronized (this) {
          for (int i = 0; i < n; i++) {
            ring[(int) (total++ % ring.length)] = buf[i];
          }
        }
      }
    } catch (IOException e) {
      // the child went away; what we have is what there is
    }
  }

  /** Waits (briefly) for the stream to end, then returns the kept text, trimmed. */
  public String text() {
    try {
      thread.join(5000);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    synchronized (this) {
      int len = (int) Math.min(total, ring.length);
      byte[] out = new byte[len];
      long start = total - len;
      for (int i = 0; i < len; i++) {
        out[i] = ring[(int) ((start + i) % ring.length)];
      }
      String s = new String(out, StandardCharsets.UTF_8).strip();
      return total > ring.length ? "..." + s : s;
    }
  }
}
