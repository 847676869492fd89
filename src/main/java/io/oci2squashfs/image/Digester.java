package io.oci2squashfs.image;

import java.io.FilterInputStream;
import java.io.FilterOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;

/**
 * Counts and hashes bytes: the one way the project digests a blob or a tar, as it is read ({@link
 * #reading}), written ({@link #writing}) or handed over ({@link #update}). One thread feeds it;
 * {@link #count()} may be read from another (progress).
 */
public final class Digester {
  private final String algorithm;
  private final MessageDigest hasher;
  private volatile long count;

  private Digester(String algorithm) {
    this.algorithm = algorithm;
    try {
      this.hasher =
          algorithm == null
              ? null
              : MessageDigest.getInstance(algorithm.equals("sha256") ? "SHA-256" : "SHA-512");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("the JDK always has SHA-256 and SHA-512", e);
    }
  }

  /** A sha256 digester. */
  public static Digester sha256() {
    return new Digester("sha256");
  }

  /**
   * A digester to check bytes against {@code expected}: of its algorithm, or one that only counts
   * when nothing is expected (then {@link #digest()} is null).
   */
  public static Digester toCheck(Digest expected) {
    return new Digester(expected == null ? null : expected.algorithm());
  }

  /** The sha256 digest of {@code data}. */
  public static Digest sha256Of(byte[] data) {
    Digester d = sha256();
    d.update(data, 0, data.length);
    return d.digest();
  }

  /** Reads {@code in} to its end into this digester, through {@code buffer}; closes nothing. */
  public Digester readAll(InputStream in, byte[] buffer) throws IOException {
    for (int n = in.read(buffer); n >= 0; n = in.read(buffer)) {
      update(buffer, 0, n);
    }
    return this;
  }

  public void update(byte[] bytes, int off, int len) {
    if (hasher != null) {
      hasher.update(bytes, off, len);
    }
    count += len; // one writer
  }

  /** Bytes seen so far. */
  public long count() {
    return count;
  }

  /** The digest of what was seen; null for a digester that only counts. Call once, at the end. */
  public Digest digest() {
    return hasher == null ? null : Digest.ofHash(algorithm, hasher.digest());
  }

  /**
   * {@code in}, with every byte read through it digested, skipped ones too (they are read). The
   * caller closes the returned stream, which closes {@code in}.
   */
  public InputStream reading(InputStream in) {
    return new FilterInputStream(in) {
      @Override
      public int read() throws IOException {
        int b = super.read();
        if (b >= 0) {
          update(new byte[] {(byte) b}, 0, 1);
        }
        return b;
      }

      @Override
      public int read(byte[] b, int off, int len) throws IOException {
        int n = super.read(b, off, len);
        if (n > 0) {
          update(b, off, n);
        }
        return n;
      }

      @Override
      public long skip(long n) throws IOException {
        byte[] buf = new byte[(int) Math.min(Math.max(n, 0), 64 * 1024)];
        int r = read(buf, 0, buf.length);
        return Math.max(r, 0);
      }
    };
  }

  /**
   * {@code out}, with every byte written through it digested. Closing the returned stream closes
   * {@code out}.
   */
  public OutputStream writing(OutputStream out) {
    return new FilterOutputStream(out) {
      @Override
      public void write(int b) throws IOException {
        out.write(b);
        update(new byte[] {(byte) b}, 0, 1);
      }

      @Override
      public void write(byte[] b, int off, int len) throws IOException {
        out.write(b, off, len);
        update(b, off, len);
      }
    };
  }
}
