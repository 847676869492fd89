package io.oci2squashfs.layer;

import java.io.IOException;
import java.io.InputStream;
import java.io.InterruptedIOException;
import java.util.Objects;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * Reads a source stream in a thread of its own, ahead of the consumer, through a fixed set of
 * buffers: so decompressing and hashing a layer run beside the merge instead of in turn with it,
 * and memory stays bounded (the buffers are reused; nothing else is allocated per read).
 *
 * <p>The source is read to its end whatever the consumer does, unless the consumer closes this
 * stream first. An exception the source throws is thrown to the consumer when it reaches the
 * position where it happened, so everything read before it is delivered first. The reading thread
 * closes the source; {@link #close} stops it and waits for it.
 */
public final class ReadAheadInputStream extends InputStream {
  /** Size of each buffer: large, so that the hand-over costs nothing next to the bytes. */
  public static final int CHUNK_SIZE = 1 << 20;

  /** Buffers in flight: enough for the reader to run ahead while the consumer writes. */
  public static final int CHUNKS = 4;

  /**
   * Most bytes asked of the source at once: a decompressor that fails part way through a read loses
   * what that read had produced, so reads are kept small enough for the failure to be delivered
   * close to where it happened. 64 KiB, not 128: on this project's benchmark machine a read of 128
   * KiB or more from the page cache costs over three times the system time of one of 112 KiB, and
   * the real image's gzip layers took 0.2 CPU-s less (ten runs).
   */
  private static final int READ_SIZE = 64 * 1024;

  private static final Chunk END = new Chunk(null);

  private final BlockingQueue<Chunk> filled;
  private final BlockingQueue<Chunk> free;
  private final Thread thread;
  private volatile boolean closed;
  private Chunk current;
  private int pos;
  private boolean atEnd;
  private IOException failure;

  /**
   * One buffer, how much of it holds data and, last in the stream, the source's failure after that
   * data.
   */
  private static final class Chunk {
    final byte[] data;
    int length;

    /** Whether the source ended after these bytes. */
    boolean atEnd;

    IOException error;

    Chunk(byte[] data) {
      this.data = data;
    }
  }

  /**
   * Starts reading {@code source} in a new daemon thread named {@code threadName}.
   *
   * @param source the stream to read ahead; its owner is now this stream
   */
  public ReadAheadInputStream(InputStream source, String threadName) {
    this(source, threadName, CHUNK_SIZE, CHUNKS);
  }

  ReadAheadInputStream(InputStream source, String threadName, int chunkSize, int chunks) {
    Objects.requireNonNull(source, "source");
    // room for every buffer and the end marker: the reader never waits to hand a buffer over
    filled = new ArrayBlockingQueue<>(chunks + 1);
    free = new ArrayBlockingQueue<>(chunks);
    for (int i = 0; i < chunks; i++) {
      free.add(new Chunk(new byte[chunkSize]));
    }
    thread = new Thread(() -> produce(source), threadName);
    thread.setDaemon(true);
    thread.start();
  }

  private void produce(InputStream source) {
    boolean first = true;
    try (source) {
      while (!closed) {
        Chunk c = free.take();
        if (closed) {
          return;
        }
        // the first chunk is handed over after one read, so that a consumer that wants only the
        // first entry (the root probe) gets it at once and closes before much more is read
        fill(source, c, first ? Math.min(READ_SIZE, c.data.length) : c.data.length);
        first = false;
        filled.put(c);
        if (c.atEnd || c.error != null) {
          if (c.error == null) {
            filled.put(END);
          }
          return;
        }
      }
    } catch (InterruptedException e) {
      Thread.currentThread()
          .interrupt(); // nobody interrupts this thread; end quietly if someone does
    } catch (IOException e) {
      // closing the source failed after everything was read: nothing left to report it to
    }
  }

  /**
   * Reads until {@code limit} bytes are in the chunk, the source ends or this stream is closed,
   * keeping what was read before a failure (delivered first) and the failure apart.
   */
  private void fill(InputStream source, Chunk c, int limit) {
    c.length = 0;
    c.error = null;
    c.atEnd = false;
    try {
      while (c.length < limit && !closed) {
        int r = source.read(c.data, c.length, Math.min(READ_SIZE, limit - c.length));
        if (r < 0) {
          c.atEnd = true;
          break;
        }
        c.length += r;
      }
    } catch (IOException e) {
      c.error = e;
    } catch (RuntimeException e) {
      c.error = new IOException("reading failed: " + e, e);
    }
  }

  @Override
  public int read() throws IOException {
    if (!ensureData()) {
      return -1;
    }
    return current.data[pos++] & 0xff;
  }

  @Override
  public int read(byte[] b, int off, int len) throws IOException {
    Objects.checkFromIndexSize(off, len, b.length);
    if (len == 0) {
      return 0;
    }
    if (!ensureData()) {
      return -1;
    }
    int n = Math.min(len, current.length - pos);
    System.arraycopy(current.data, pos, b, off, n);
    pos += n;
    return n;
  }

  @Override
  public long skip(long n) throws IOException {
    long done = 0;
    while (done < n && ensureData()) {
      int step = (int) Math.min(n - done, current.length - pos);
      pos += step;
      done += step;
    }
    return done;
  }

  @Override
  public int available() {
    return current == null ? 0 : current.length - pos;
  }

  /** Makes {@link #current} hold unread bytes; false at the end. Throws the source's failure. */
  private boolean ensureData() throws IOException {
    if (closed) {
      throw new IOException("stream closed");
    }
    if (failure != null) {
      throw failure;
    }
    if (current != null && pos < current.length) {
      return true;
    }
    if (atEnd) {
      return false;
    }
    if (current != null) {
      if (current.error != null) {
        failure = current.error;
        throw failure;
      }
      free.add(current);
      current = null;
    }
    Chunk c;
    try {
      c = filled.take();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new InterruptedIOException("interrupted while waiting for " + thread.getName());
    }
    if (c == END) {
      atEnd = true;
      return false;
    }
    current = c;
    pos = 0;
    return ensureData(); // an empty chunk holds only a failure
  }

  /** Stops the reading thread, which closes the source, and waits for it. */
  @Override
  public void close() throws IOException {
    if (closed) {
      return;
    }
    closed = true;
    // Give every buffer back, so that a reader waiting for one wakes up and sees the close. Not an
    // interrupt: that would close an interruptible channel the source may share with other layers.
    if (current != null) {
      free.offer(current);
      current = null;
    }
    for (Chunk c = filled.poll(); c != null; c = filled.poll()) {
      if (c != END) {
        free.offer(c);
      }
    }
    try {
      thread.join(TimeUnit.SECONDS.toMillis(10));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
