package io.oci2squashfs.it.registry;

import java.io.ByteArrayOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * The start line and headers of an HTTP/1.1 message, in order, as read from or written to a socket;
 * names compare case-insensitively. Mutable: the proxy edits a copy before passing it on.
 */
final class HttpHead {
  /** Headers that describe one connection, never passed from one hop to the next. */
  static final Set<String> HOP_BY_HOP =
      Set.of(
          "connection",
          "keep-alive",
          "proxy-connection",
          "proxy-authenticate",
          "proxy-authorization",
          "te",
          "trailer",
          "upgrade");

  private static final int MAX_LINE = 64 * 1024;
  private static final int MAX_HEADERS = 200;

  private final String startLine;
  private final List<String[]> headers = new ArrayList<>();

  HttpHead(String startLine) {
    this.startLine = startLine;
  }

  /** A response head: {@code HTTP/1.1 <status> <reason>}. */
  static HttpHead response(int status, String reason) {
    return new HttpHead("HTTP/1.1 " + status + " " + reason);
  }

  /**
   * Reads a head; {@code null} at a clean end of stream before its first byte (a client closing an
   * idle keep-alive connection).
   */
  static HttpHead read(InputStream in) throws IOException {
    String line = readLine(in);
    if (line == null) {
      return null;
    }
    while (line.isEmpty()) { // a stray CRLF between messages is allowed (RFC 9112, 2.2)
      line = readLine(in);
      if (line == null) {
        return null;
      }
    }
    HttpHead head = new HttpHead(line);
    for (String h = readLine(in); h != null && !h.isEmpty(); h = readLine(in)) {
      int colon = h.indexOf(':');
      if (colon <= 0 || head.headers.size() >= MAX_HEADERS) {
        throw new IOException("malformed header line: " + h);
      }
      head.add(h.substring(0, colon).trim(), h.substring(colon + 1).trim());
    }
    return head;
  }

  /** One line without its CRLF (a bare LF is accepted), or null at end of stream. */
  static String readLine(InputStream in) throws IOException {
    ByteArrayOutputStream line = new ByteArrayOutputStream();
    int b = in.read();
    if (b < 0) {
      return null;
    }
    while (b >= 0 && b != '\n') {
      if (line.size() >= MAX_LINE) {
        throw new IOException("line longer than " + MAX_LINE + " bytes");
      }
      line.write(b);
      b = in.read();
    }
    if (b < 0) {
      throw new EOFException("stream ended inside a line");
    }
    byte[] bytes = line.toByteArray();
    int n = bytes.length > 0 && bytes[bytes.length - 1] == '\r' ? bytes.length - 1 : bytes.length;
    return new String(bytes, 0, n, StandardCharsets.ISO_8859_1);
  }

  String startLine() {
    return startLine;
  }

  /** The request method (first word of a request line). */
  String method() {
    return startLine.split(" ", 3)[0];
  }

  /** The request target (second word of a request line), path and query. */
  String target() {
    String[] parts = startLine.split(" ", 3);
    return parts.length > 1 ? parts[1] : "";
  }

  /** The protocol of a request line ({@code HTTP/1.1}). */
  String version() {
    String[] parts = startLine.split(" ", 3);
    return parts.length > 2 ? parts[2] : "HTTP/0.9";
  }

  /** The status code of a response line. */
  int status() throws IOException {
    String[] parts = startLine.split(" ", 3);
    try {
      return Integer.parseInt(parts[1]);
    } catch (RuntimeException e) {
      throw new IOException("malformed status line: " + startLine);
    }
  }

  /** The first value of header {@code name}, or null. */
  String header(String name) {
    for (String[] h : headers) {
      if (h[0].equalsIgnoreCase(name)) {
        return h[1];
      }
    }
    return null;
  }

  /** Whether a comma-separated header holds {@code token} (case-insensitive). */
  boolean headerHasToken(String name, String token) {
    for (String[] h : headers) {
      if (h[0].equalsIgnoreCase(name)) {
        for (String t : h[1].split(",")) {
          if (t.trim().equalsIgnoreCase(token)) {
            return true;
          }
        }
      }
    }
    return false;
  }

  HttpHead add(String name, String value) {
    headers.add(new String[] {name, value});
    return this;
  }

  HttpHead remove(String name) {
    headers.removeIf(h -> h[0].equalsIgnoreCase(name));
    return this;
  }

  /** A copy with another start line, without hop-by-hop headers and those the message names. */
  HttpHead forwarded(String newStartLine) {
    HttpHead copy = new HttpHead(newStartLine);
    List<String> named = new ArrayList<>();
    String connection = header("Connection");
    if (connection != null) {
      for (String t : connection.split(",")) {
        named.add(t.trim().toLowerCase(Locale.ROOT));
      }
    }
    for (String[] h : headers) {
      String lower = h[0].toLowerCase(Locale.ROOT);
      if (!HOP_BY_HOP.contains(lower) && !named.contains(lower)) {
        copy.add(h[0], h[1]);
      }
    }
    return copy;
  }

  /** The length of a body framed by Content-Length, -1 when there is no such header. */
  long contentLength() throws IOException {
    String v = header("Content-Length");
    if (v == null) {
      return -1;
    }
    try {
      long n = Long.parseLong(v.trim());
      if (n < 0) {
        throw new NumberFormatException();
      }
      return n;
    } catch (NumberFormatException e) {
      throw new IOException("bad Content-Length: " + v);
    }
  }

  boolean chunked() {
    return headerHasToken("Transfer-Encoding", "chunked");
  }

  void writeTo(OutputStream out) throws IOException {
    StringBuilder s = new StringBuilder(startLine).append("\r\n");
    for (String[] h : headers) {
      s.append(h[0]).append(": ").append(h[1]).append("\r\n");
    }
    s.append("\r\n");
    out.write(s.toString().getBytes(StandardCharsets.ISO_8859_1));
  }
}
