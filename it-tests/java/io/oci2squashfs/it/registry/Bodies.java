package io.oci2squashfs.it.registry;

import java.io.ByteArrayOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.InterruptedIOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;

/**
 * Copies HTTP message bodies from one socket to another as they arrive, never holding a whole blob:
 * by Content-Length, chunked (relayed verbatim, chunk lines and trailers included), or up to the
 * end of the stream.
 */
final class Bodies {
  private static final int BUFFER = 8192;

  /** Waits before each piece of body is sent: a bandwidth limit, or nothing. */
  interface Pacer {
    Pacer NONE = bytes -> {};

    void await(int bytes) throws InterruptedIOException;
  }

  private Bodies() {}

  /**
   * Copies exactly {@code length} bytes, flushing as it goes so a slow or cut body reaches the
   * client as it would from a real server.
   *
   * @throws EOFException if {@code in} ends first
   */
  static void copyFixed(InputStream in, OutputStream out, long length, Pacer pacer)
      throws IOException {
    byte[] buf = new byte[BUFFER];
    long left = length;
    while (left > 0) {
      int n = in.read(buf, 0, (int) Math.min(buf.length, left));
      if (n < 0) {
        throw new EOFException((length - left) + " of " + length + " body bytes, then end");
      }
      pacer.await(n);
      out.write(buf, 0, n);
      out.flush();
      left -= n;
    }
  }

  /** Copies until {@code in} ends (a body framed by the connection's close). */
  static void copyToEnd(InputStream in, OutputStream out, Pacer pacer) throws IOException {
    byte[] buf = new byte[BUFFER];
    for (int n = in.read(buf); n >= 0; n = in.read(buf)) {
      pacer.await(n);
      out.write(buf, 0, n);
      out.flush();
    }
  }

  /** Relays a chunked body as it is: each size line, its data, the last chunk and trailers. */
  static void copyChunked(InputStream in, OutputStream out, Pacer pacer) throws IOException {
    while (true) {
      String sizeLine = line(in);
      writeLine(out, sizeLine);
      long size = chunkSize(sizeLine);
      if (size == 0) {
        for (String trailer = line(in); ; trailer = line(in)) {
          writeLine(out, trailer);
          if (trailer.isEmpty()) {
            out.flush();
            return;
          }
        }
      }
      copyFixed(in, out, size, pacer);
      if (!line(in).isEmpty()) {
        throw new IOException("chunk data not followed by CRLF");
      }
      writeLine(out, "");
    }
  }

  /** Reads a small body whole (a token request's form), by its head's framing. */
  static byte[] readSmall(HttpHead head, InputStream in, int limit) throws IOException {
    ByteArrayOutputStream body = new ByteArrayOutputStream();
    long length = head.contentLength();
    if (head.chunked()) {
      for (long size = chunkSize(line(in)); size > 0; size = chunkSize(line(in))) {
        if (body.size() + size > limit) {
          throw new IOException("chunked body over " + limit + " bytes");
        }
        copyFixed(in, body, size, Pacer.NONE);
        line(in); // the CRLF after the data
      }
      for (String trailer = line(in); !trailer.isEmpty(); trailer = line(in)) {
        // trailers of a token request carry nothing we need
      }
    } else if (length > 0) {
      if (length > limit) {
        throw new IOException("body of " + length + " bytes; at most " + limit + " expected");
      }
      copyFixed(in, body, length, Pacer.NONE);
    }
    return body.toByteArray();
  }

  /** Whether a request head announces a body. */
  static boolean hasBody(HttpHead request) throws IOException {
    return request.chunked() || request.contentLength() > 0;
  }

  private static long chunkSize(String sizeLine) throws IOException {
    String hex = sizeLine.split(";", 2)[0].trim();
    try {
      return Long.parseLong(hex, 16);
    } catch (NumberFormatException e) {
      throw new IOException("bad chunk size line: " + sizeLine);
    }
  }

  private static String line(InputStream in) throws IOException {
    String line = HttpHead.readLine(in);
    if (line == null) {
      throw new EOFException("chunked body ended early");
    }
    return line;
  }

  private static void writeLine(OutputStream out, String line) throws IOException {
    out.write((line + "\r\n").getBytes(StandardCharsets.ISO_8859_1));
  }
}
