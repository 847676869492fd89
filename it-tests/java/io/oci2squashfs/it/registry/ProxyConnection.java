package io.oci2squashfs.it.registry;

import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.ConnectException;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Serves one client connection of a {@link FaultProxy}, request after request while the client
 * keeps it alive: applies the switches, answers what the proxy answers itself (faults, challenges,
 * tokens, redirects) and passes the rest to the upstream registry over a fresh connection each,
 * streaming bodies through.
 */
final class ProxyConnection implements Runnable {
  /** {@code /v2/NAME/blobs/ALG:HEX}; group 1 is the repository name. */
  static final Pattern BLOB_PATH =
      Pattern.compile("^/v2/(.+)/blobs/([a-z0-9]+(?:[+._-][a-z0-9]+)*:[a-zA-Z0-9=_-]+)$");

  /** Any path under a repository; group 1 is its name. */
  private static final Pattern REPOSITORY_PATH =
      Pattern.compile("^/v2/(.+)/(?:manifests|blobs|tags|referrers)/.*$");

  private static final int IDLE_TIMEOUT_MS = 60_000;
  private static final int UPSTREAM_TIMEOUT_MS = 60_000;

  private final FaultProxy proxy;
  private final Faults faults;
  private final Socket socket;
  private final boolean redirectHost;
  private final String host;

  ProxyConnection(FaultProxy proxy, Faults faults, Socket socket, boolean redirectHost) {
    this.proxy = proxy;
    this.faults = faults;
    this.socket = socket;
    this.redirectHost = redirectHost;
    this.host = redirectHost ? proxy.redirectHostPort() : proxy.hostPort();
  }

  @Override
  public void run() {
    try (Socket s = socket) {
      s.setSoTimeout(IDLE_TIMEOUT_MS);
      s.setTcpNoDelay(true);
      InputStream in = new BufferedInputStream(s.getInputStream());
      OutputStream out = new BufferedOutputStream(s.getOutputStream());
      for (HttpHead request = HttpHead.read(in); request != null; request = HttpHead.read(in)) {
        boolean keepAlive = serve(request, in, out);
        out.flush();
        if (!keepAlive) {
          break;
        }
      }
    } catch (IOException e) {
      // the client left, the upstream broke off, a body was cut, or the proxy closed: done
    } finally {
      proxy.forget(socket);
    }
  }

  /** Answers one request; whether the connection may carry another. */
  private boolean serve(HttpHead request, InputStream in, OutputStream out) throws IOException {
    if ("100-continue".equalsIgnoreCase(request.header("Expect"))) {
      out.write("HTTP/1.1 100 Continue\r\n\r\n".getBytes(StandardCharsets.ISO_8859_1));
      out.flush();
    }
    String target = request.target();
    int q = target.indexOf('?');
    String path = q < 0 ? target : target.substring(0, q);
    String query = q < 0 ? "" : target.substring(q + 1);
    return redirectHost
        ? serveBlobHost(request, in, out, path, query)
        : serveMain(request, in, out, path, query);
  }

  private boolean serveMain(
      HttpHead request, InputStream in, OutputStream out, String path, String query)
      throws IOException {
    long retryAfter = faults.takeTooManyRequests();
    if (retryAfter >= 0) {
      return answer(
          request,
          out,
          path,
          Answer.registryError(
                  429, "Too Many Requests", "TOOMANYREQUESTS", "fault-proxy: too many requests")
              .with("Retry-After", Long.toString(retryAfter)),
          false);
    }
    if (faults.takeServiceUnavailable()) {
      return answer(
          request,
          out,
          path,
          Answer.registryError(
              503, "Service Unavailable", "UNAVAILABLE", "fault-proxy: service unavailable"),
          false);
    }
    Faults.Auth auth = faults.auth();
    if (path.equals("/token")) {
      String form = new String(Bodies.readSmall(request, in, 64 * 1024), StandardCharsets.UTF_8);
      Answer a =
          new TokenEndpoint(faults.tokens)
              .answer(request.method(), query, request.header("Authorization"), form, auth);
      return answer(request, out, path, a, true);
    }
    Answer challenge = challenge(request, path, auth);
    if (challenge != null) {
      return answer(request, out, path, challenge, false);
    }
    boolean blobGet = request.method().equals("GET") && BLOB_PATH.matcher(path).matches();
    if (blobGet && faults.redirect()) {
      // like blob storage on another host: a signed URL the client must follow without our auth
      String location =
          "http://" + proxy.redirectHostPort() + path + "?sig=" + proxy.newRedirectSignature();
      return answer(
          request,
          out,
          path,
          new Answer(307, "Temporary Redirect", Map.of("Location", location), ""),
          false);
    }
    return forward(request, in, out, path, auth.mode() != Faults.AuthMode.NONE, blobGet);
  }

  /** The 401 to answer when the request lacks the credentials the proxy asks for, or null. */
  private Answer challenge(HttpHead request, String path, Faults.Auth auth) {
    String authorization = request.header("Authorization");
    switch (auth.mode()) {
      case BASIC:
        return auth.acceptsBasic(authorization)
            ? null
            : Answer.registryError(401, "Unauthorized", "UNAUTHORIZED", "authentication required")
                .with("WWW-Authenticate", "Basic realm=\"" + FaultProxy.SERVICE + "\"");
      case BEARER:
        Matcher m = REPOSITORY_PATH.matcher(path);
        String repository = m.matches() ? m.group(1) : null;
        if (faults.tokens.allows(bearerToken(authorization), repository)) {
          return null;
        }
        String value =
            "Bearer realm=\"http://"
                + proxy.hostPort()
                + "/token\",service=\""
                + FaultProxy.SERVICE
                + "\""
                + (repository == null ? "" : ",scope=\"repository:" + repository + ":pull\"");
        return Answer.registryError(401, "Unauthorized", "UNAUTHORIZED", "authentication required")
            .with("WWW-Authenticate", value);
      default:
        return null;
    }
  }

  /** The redirect host: serves blob GETs and HEADs carrying a signature the proxy issued. */
  private boolean serveBlobHost(
      HttpHead request, InputStream in, OutputStream out, String path, String query)
      throws IOException {
    if (request.header("Authorization") != null) {
      proxy.authorizationSeenOnRedirectHost(true);
    }
    String method = request.method();
    if (!(method.equals("GET") || method.equals("HEAD")) || !BLOB_PATH.matcher(path).matches()) {
      return answer(
          request,
          out,
          path,
          Answer.registryError(404, "Not Found", "NOT_FOUND", "the redirect host has blobs only"),
          false);
    }
    String sig = TokenEndpoint.params(query).getOrDefault("sig", List.of("")).get(0);
    if (!proxy.isRedirectSignature(sig)) {
      return answer(
          request,
          out,
          path,
          Answer.registryError(403, "Forbidden", "DENIED", "missing or unknown signature"),
          false);
    }
    return forward(request, in, out, path, true, method.equals("GET"));
  }

  /**
   * Passes a request to the upstream over a new connection and streams the answer back; a blob body
   * is paced by the bandwidth limit and may be cut short.
   */
  private boolean forward(
      HttpHead request,
      InputStream in,
      OutputStream out,
      String path,
      boolean dropAuthorization,
      boolean blobGet)
      throws IOException {
    try (Socket up = proxy.openUpstream()) {
      up.setSoTimeout(UPSTREAM_TIMEOUT_MS);
      OutputStream upOut = new BufferedOutputStream(up.getOutputStream());
      InputStream upIn = new BufferedInputStream(up.getInputStream());

      String target = redirectHost ? path : request.target(); // the signature stays here
      HttpHead sent = request.forwarded(request.method() + " " + target + " HTTP/1.1");
      sent.remove("Expect").add("Connection", "close");
      if (dropAuthorization) {
        sent.remove("Authorization"); // our credentials and tokens are not the upstream's
      }
      sent.writeTo(upOut);
      if (request.chunked()) {
        Bodies.copyChunked(in, upOut, Bodies.Pacer.NONE);
      } else if (request.contentLength() > 0) {
        Bodies.copyFixed(in, upOut, request.contentLength(), Bodies.Pacer.NONE);
      }
      upOut.flush();

      HttpHead response = HttpHead.read(upIn);
      while (response != null && response.status() < 200) {
        response = HttpHead.read(upIn); // an interim 100 Continue; the client had ours
      }
      if (response == null) {
        throw new IOException("upstream closed without answering " + request.startLine());
      }
      int status = response.status();
      boolean noBody = request.method().equals("HEAD") || status == 204 || status == 304;
      long length = noBody ? 0 : response.contentLength();
      boolean chunked = !noBody && response.chunked();
      boolean toEnd = !noBody && !chunked && length < 0;
      long cutAfter =
          blobGet && (status == 200 || status == 206) && !chunked && length >= 0
              ? faults.takeCut()
              : -1;
      boolean keepAlive = keepAlive(request) && !toEnd && cutAfter < 0;
      log(request, path, status, cutAfter >= 0);

      HttpHead back = response.forwarded(response.startLine());
      if (!keepAlive) {
        back.add("Connection", "close");
      }
      back.writeTo(out);
      Bodies.Pacer pacer = blobGet ? faults.bandwidth : Bodies.Pacer.NONE;
      if (cutAfter >= 0) {
        // the headers promised the whole body; send part of it and hang up (a FIN, so the
        // client surely reads what was sent before it sees the end)
        Bodies.copyFixed(upIn, out, Math.min(cutAfter, length), pacer);
        out.flush();
        return false;
      }
      if (chunked) {
        Bodies.copyChunked(upIn, out, pacer);
      } else if (toEnd) {
        Bodies.copyToEnd(upIn, out, pacer);
      } else {
        Bodies.copyFixed(upIn, out, length, pacer);
      }
      out.flush();
      return keepAlive;
    } catch (ConnectException e) {
      return answer(
          request,
          out,
          path,
          Answer.registryError(
              502, "Bad Gateway", "UNAVAILABLE", "upstream unreachable: " + e.getMessage()),
          false);
    }
  }

  /**
   * Writes an answer of the proxy's own. A request body it did not read (one that met a fault
   * before reaching the upstream) is not drained: the connection closes after the answer.
   */
  private boolean answer(
      HttpHead request, OutputStream out, String path, Answer a, boolean bodyRead)
      throws IOException {
    log(request, path, a.status(), false);
    boolean keepAlive = keepAlive(request) && (bodyRead || !Bodies.hasBody(request));
    byte[] body = a.body().getBytes(StandardCharsets.UTF_8);
    HttpHead head = HttpHead.response(a.status(), a.reason());
    a.headers().forEach(head::add);
    head.add("Content-Length", Integer.toString(body.length));
    head.add("Docker-Distribution-Api-Version", "registry/2.0");
    if (!keepAlive) {
      head.add("Connection", "close");
    }
    head.writeTo(out);
    if (!request.method().equals("HEAD")) {
      out.write(body);
    }
    out.flush();
    return keepAlive;
  }

  private void log(HttpHead request, String path, int status, boolean cut) {
    proxy.log(
        new LoggedRequest(
            host,
            request.method(),
            path,
            status,
            request.header("Authorization") != null,
            request.header("Range"),
            cut));
  }

  private static boolean keepAlive(HttpHead request) {
    return request.version().equals("HTTP/1.1") && !request.headerHasToken("Connection", "close");
  }

  private static String bearerToken(String authorization) {
    if (authorization == null || !authorization.regionMatches(true, 0, "Bearer ", 0, 7)) {
      return null;
    }
    return authorization.substring(7).trim();
  }
}
