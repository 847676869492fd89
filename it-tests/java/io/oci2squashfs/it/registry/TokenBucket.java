package io.oci2squashfs.it.registry;

import java.io.InterruptedIOException;
import java.util.concurrent.TimeUnit;

/**
 * A bandwidth limit shared by every body it paces, like one slow link: a token bucket kept as the
 * time by which the bytes granted so far will have been sent (GCRA). Idle time earns at most {@link
 * #BURST_NANOS} of credit: enough to make up for sleeps that overrun, little enough that a transfer
 * of a second or more keeps within about 1% of the rate (measured with curl from 128 KiB/s to 8
 * MiB/s).
 */
final class TokenBucket implements Bodies.Pacer {
  static final long BURST_NANOS = TimeUnit.MILLISECONDS.toNanos(10);

  private long bytesPerSecond; // 0: unlimited
  private long sentBy; // System.nanoTime() by which everything granted so far is sent

  /** Sets the limit in bytes per second; 0 or less lifts it. Takes effect for the next piece. */
  synchronized void rate(long bytesPerSecond) {
    this.bytesPerSecond = Math.max(0, bytesPerSecond);
    this.sentBy = System.nanoTime();
  }

  synchronized long rate() {
    return bytesPerSecond;
  }

  @Override
  public void await(int bytes) throws InterruptedIOException {
    long wait;
    synchronized (this) {
      if (bytesPerSecond <= 0) {
        return;
      }
      long now = System.nanoTime();
      sentBy = Math.max(sentBy, now - BURST_NANOS) + bytes * 1_000_000_000L / bytesPerSecond;
      wait = sentBy - now;
    }
    if (wait > 0) {
      try {
        TimeUnit.NANOSECONDS.sleep(wait);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new InterruptedIOException("interrupted while throttled");
      }
    }
  }
}
