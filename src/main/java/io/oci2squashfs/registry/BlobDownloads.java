package io.oci2squashfs.registry;

import io.oci2squashfs.cache.BlobCache;
import io.oci2squashfs.cleanup.TemporaryPath;
import io.oci2squashfs.image.Digest;
import io.oci2squashfs.image.Layer;
import java.io.Closeable;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.InterruptedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * Downloads an image's layer blobs into the cache, {@code jobs} at a time in the order they were
 * asked for (newest first, the merge's order), while readers read each one as it arrives: a reader
 * of a blob still downloading follows the file as it grows, so the merge starts as soon as the
 * newest layer's first bytes are in. A blob already in the cache is read from there and not
 * downloaded. A download cut off resumes from its last byte with a {@code Range} request. A blob
 * enters the cache only when its reader found it whole and matching its digest ({@link
 * Layer.Opener#checked}); anything else is deleted when the downloads close.
 */
final class BlobDownloads implements Closeable {
  private static final int BUFFER = 256 << 10;
  private static final long START_BYTES = 256 << 10;

  private final RegistryClient client;
  private final BlobCache cache;
  private final PullListener listener;
  private final RetryPolicy retry;
  private final ExecutorService pool;
  private final Map<Digest, Blob> blobs = new LinkedHashMap<>();
  private volatile boolean closed;

  // Readers waiting for a blob that is downloading: while there are any, the downloads of other
  // blobs stand aside, so that a shared link carries the blob the merge needs now. Where the merge
  // is the slower one, nobody waits and every download runs ahead at once.
  private final Object traffic = new Object();
  private int starving;

  BlobDownloads(
      RegistryClient client, BlobCache cache, int jobs, RetryPolicy retry, PullListener listener) {
    this.client = client;
    this.cache = cache;
    this.retry = retry;
    this.listener = listener;
    AtomicInteger n = new AtomicInteger();
    this.pool =
        Executors.newFixedThreadPool(
            Math.max(1, jobs),
            r -> {
              Thread t = new Thread(r, "download-" + n.incrementAndGet());
              t.setDaemon(true);
              return t;
            });
  }

  /**
   * The opener of the blob {@code digest}, whose download starts (unless it is cached) when its
   * turn comes: call in the order the blobs will be read.
   */
  synchronized Layer.Opener opener(Digest digest, long size) throws IOException {
    Blob blob = blobs.get(digest);
    if (blob == null) {
      blob = new Blob(digest, size);
      blobs.put(digest, blob);
      if (cache.has(digest, size)) {
        listener.cached(digest, size);
      } else {
        blob.ingest = cache.newIngest(digest);
        Blob queued = blob;
        pool.execute(() -> queued.download());
      }
    }
    return blob;
  }

  /** Every blob, in the order asked for, with what was downloaded of it. */
  synchronized List<PullStats.Blob> blobs() {
    List<PullStats.Blob> all = new ArrayList<>();
    for (Blob b : blobs.values()) {
      all.add(new PullStats.Blob(b.digest, b.size, b.ingest == null, b.received));
    }
    return all;
  }

  /** From the first download's start to the last one's end so far. */
  synchronized Duration downloading() {
    long first = Long.MAX_VALUE;
    long last = 0;
    for (Blob b : blobs.values()) {
      if (b.startedNanos != 0) {
        first = Math.min(first, b.startedNanos);
        last = Math.max(last, b.endedNanos != 0 ? b.endedNanos : System.nanoTime());
      }
    }
    return first == Long.MAX_VALUE ? Duration.ZERO : Duration.ofNanos(last - first);
  }

  /** Stops every download and deletes what did not enter the cache. */
  @Override
  public void close() throws IOException {
    closed = true;
    pool.shutdownNow();
    List<Blob> all;
    synchronized (this) {
      all = new ArrayList<>(blobs.values());
    }
    IOException failure = null;
    for (Blob b : all) {
      b.fail(new InterruptedIOException("the downloads were closed"));
      if (b.ingest != null) {
        try {
          b.ingest.close();
        } catch (IOException e) {
          failure = failure == null ? e : failure;
        }
      }
    }
    if (failure != null) {
      throw failure;
    }
  }

  /** One blob: its download's state, and what readers wait on. */
  private final class Blob implements Layer.Opener {
    final Digest digest;
    final long size;
    TemporaryPath ingest; // null when the cache had it
    private final ReentrantLock lock = new ReentrantLock();
    private final Condition grown = lock.newCondition();
    private long written;
    private boolean complete;
    private boolean committed;
    private IOException failure;
    volatile long received;
    volatile long startedNanos;
    private int waiters; // readers waiting for this blob now (under traffic)
    private int counted; // how many of them count in starving
    volatile long endedNanos;

    Blob(Digest digest, long size) {
      this.digest = digest;
      this.size = size;
    }

    @Override
    public InputStream open() throws IOException {
      if (ingest == null || committed) {
        return Files.newInputStream(cache.blobPath(digest));
      }
      return new Following(this);
    }

    @Override
    public InputStream openStart() throws IOException {
      lock.lock();
      try {
        if (ingest == null || committed || complete || written >= START_BYTES) {
          return open();
        }
      } finally {
        lock.unlock();
      }
      // not here yet: ask for the start alone rather than wait for the whole blob's turn
      HttpTransport.Response r = client.blobStart(digest, START_BYTES);
      return new java.io.FilterInputStream(r.body()) {
        @Override
        public void close() {
          r.abort();
        }
      };
    }

    @Override
    public String checked(boolean matched) throws IOException {
      lock.lock();
      try {
        if (matched) {
          if (ingest != null && complete && !committed && failure == null) {
            cache.commit(ingest.path(), digest);
            committed = true;
          }
          return null;
        }
        if (ingest == null || committed) {
          cache.remove(digest);
          return cache.isTemporary()
              ? null
              : "the cached copy in "
                  + cache.root()
                  + " was removed, so the next run downloads it again";
        }
        return "as downloaded from " + client.where();
      } finally {
        lock.unlock();
      }
    }

    // Runs in a download thread: fetches the blob, resuming where a connection was lost.
    void download() {
      synchronized (traffic) {
        startedNanos = System.nanoTime();
        recount(); // readers already waiting for it now count
      }
      try (FileChannel out = FileChannel.open(ingest.path(), StandardOpenOption.WRITE)) {
        long offset = 0;
        int failures = 0;
        byte[] buffer = new byte[BUFFER];
        while (!closed && (size < 0 || offset < size)) {
          try (HttpTransport.Response r = client.blob(digest, offset)) {
            InputStream in = r.body();
            if (offset > 0 && r.status == 200) {
              in.skipNBytes(offset); // the server ignored Range: the same bytes again
            }
            int n;
            while (standAside() && (n = in.read(buffer)) > 0) {
              if (size >= 0 && offset + n > size) {
                throw new RegistryException(
                    client.where()
                        + ": blob "
                        + digest
                        + ": more bytes sent than its descriptor's "
                        + size,
                    r.status);
              }
              ByteBuffer b = ByteBuffer.wrap(buffer, 0, n);
              while (b.hasRemaining()) {
                out.write(b, offset + b.position());
              }
              offset += n;
              published(offset);
              failures = 0;
            }
            if (size < 0) {
              break;
            }
            if (offset < size) {
              throw new EOFException("the connection closed after " + offset + " of " + size);
            }
          } catch (RegistryException | InterruptedIOException e) {
            throw e;
          } catch (IOException e) {
            if (closed || ++failures >= retry.attempts()) {
              throw new RegistryException(
                  client.where()
                      + ": blob "
                      + digest
                      + ": download failed after "
                      + offset
                      + " of "
                      + size
                      + " bytes, "
                      + failures
                      + " attempts in a row: "
                      + e.getMessage(),
                  e);
            }
            listener.resuming(digest, offset, String.valueOf(e.getMessage()));
            RetryPolicy.sleep(retry.backoff(failures));
          }
        }
        finished();
      } catch (IOException e) {
        fail(e);
      } catch (RuntimeException e) {
        fail(new IOException(client.where() + ": blob " + digest + ": " + e, e));
      }
    }

    // Waits while a reader starves on another blob's download; false once the downloads close.
    private boolean standAside() throws InterruptedIOException {
      synchronized (traffic) {
        while (starving > 0 && waiters == 0 && !closed) {
          try {
            traffic.wait(100);
          } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new InterruptedIOException("interrupted while standing aside for blob " + digest);
          }
        }
        return !closed;
      }
    }

    private void published(long offset) {
      lock.lock();
      try {
        written = offset;
        received = offset;
        grown.signalAll();
      } finally {
        lock.unlock();
      }
      listener.progress(digest, offset, size);
    }

    private void finished() {
      endedNanos = System.nanoTime();
      lock.lock();
      try {
        complete = true;
        grown.signalAll();
      } finally {
        lock.unlock();
      }
    }

    void fail(IOException e) {
      lock.lock();
      try {
        if (!complete && failure == null) {
          failure = e;
        }
        grown.signalAll();
      } finally {
        lock.unlock();
      }
    }

    // A reader starts (+1) or stops (-1) waiting for this blob.
    private void starve(int delta) {
      synchronized (traffic) {
        waiters += delta;
        recount();
      }
    }

    // Only a started download's readers count as starving: a blob still queued behind others must
    // never make them stand aside for it, or nobody would make way for it. Under traffic.
    private void recount() {
      int counts = startedNanos != 0 ? waiters : 0;
      starving += counts - counted;
      counted = counts;
      traffic.notifyAll();
    }

    /**
     * How far the file can be read from {@code position}: the end of what is written, or -1 at the
     * blob's end. Waits while the download is behind.
     */
    long available(long position) throws IOException {
      lock.lock();
      try {
        if (written <= position && !complete && failure == null) {
          starve(1);
          try {
            while (written <= position && !complete && failure == null) {
              grown.await();
            }
          } finally {
            starve(-1);
          }
        }
        if (written > position) {
          return written;
        }
        if (failure != null) {
          throw failure instanceof RegistryException
              ? new RegistryException(failure.getMessage(), failure)
              : new IOException(failure.getMessage(), failure);
        }
        return -1;
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new InterruptedIOException("interrupted while waiting for blob " + digest);
      } finally {
        lock.unlock();
      }
    }
  }

  /** Reads a blob's file as its download writes it. */
  private static final class Following extends InputStream {
    private final Blob blob;
    private final FileChannel in;
    private long position;

    Following(Blob blob) throws IOException {
      this.blob = blob;
      this.in = FileChannel.open(blob.ingest.path(), StandardOpenOption.READ);
    }

    @Override
    public int read() throws IOException {
      byte[] one = new byte[1];
      int n = read(one, 0, 1);
      return n < 0 ? -1 : one[0] & 0xff;
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
      if (len == 0) {
        return 0;
      }
      long end = blob.available(position);
      if (end < 0) {
        return -1;
      }
      int n = in.read(ByteBuffer.wrap(b, off, (int) Math.min(len, end - position)), position);
      if (n > 0) {
        position += n;
      }
      return n;
    }

    @Override
    public void close() throws IOException {
      in.close();
    }
  }
}
