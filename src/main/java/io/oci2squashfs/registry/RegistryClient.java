package io.oci2squashfs.registry;

import com.fasterxml.jackson.databind.JsonNode;
import io.oci2squashfs.image.Digest;
import io.oci2squashfs.image.Digester;
import io.oci2squashfs.image.json.Json;
import io.oci2squashfs.registry.auth.BearerTokens;
import io.oci2squashfs.registry.auth.Challenge;
import io.oci2squashfs.registry.auth.CredentialStore;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.net.ConnectException;
import java.net.NoRouteToHostException;
import java.net.URI;
import java.net.UnknownHostException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import javax.net.ssl.SSLException;

/**
 * Talks to one repository of one registry, as the OCI distribution spec has it: manifests by tag or
 * digest, blobs by digest (from an offset, to resume). Answers the registry's challenge (a Bearer
 * token from its realm, or Basic) with the credentials found for it, asks again after 429 and 503
 * and after a lost connection, and follows redirects to blob storage without sending our {@code
 * Authorization} to another host. Every failure is a {@link RegistryException} naming the registry,
 * the repository, what was asked and the HTTP status.
 */
public final class RegistryClient {
  /** What we take, newest first: OCI and Docker schema 2, manifests and lists. */
  static final String MANIFEST_TYPES =
      String.join(
          ", ",
          "application/vnd.oci.image.index.v1+json",
          "application/vnd.oci.image.manifest.v1+json",
          "application/vnd.docker.distribution.manifest.list.v2+json",
          "application/vnd.docker.distribution.manifest.v2+json");

  /** Registries refuse manifests over 4 MiB; this only stops a wrong reply from filling memory. */
  static final long MAX_MANIFEST_BYTES = 4L << 20;

  private static final long MAX_JSON_BLOB_BYTES = 64L << 20;
  private static final int MAX_REDIRECTS = 10;

  private final RegistryReference image;
  private final HttpTransport transport;
  private final CredentialStore credentials;
  private final BearerTokens tokens;
  private final RetryPolicy retry;
  private final boolean tlsVerify;
  private final String scope;

  private volatile String scheme; // https, or http where --tls-verify=false found no TLS
  private volatile String authorization; // what the last challenge was answered with, or null
  private Optional<CredentialStore.Found> found; // looked up once, when first challenged

  /** A manifest as the registry sent it. */
  public record Manifest(byte[] bytes, String mediaType, Digest digest) {}

  RegistryClient(
      RegistryReference image,
      HttpTransport transport,
      CredentialStore credentials,
      BearerTokens tokens,
      RetryPolicy retry,
      boolean tlsVerify) {
    this.image = image;
    this.transport = transport;
    this.credentials = credentials;
    this.tokens = tokens;
    this.retry = retry;
    this.tlsVerify = tlsVerify;
    this.scope = "repository:" + image.repository() + ":pull";
    this.scheme = "https";
  }

  /** How messages name where we asked: {@code registry 127.0.0.1:5000, repository demo}. */
  String where() {
    return "registry " + image.registry() + ", repository " + image.repository();
  }

  /**
   * Fetches the manifest or index {@code reference} (a tag or a digest) names, checked against a
   * digest reference and against the registry's {@code Docker-Content-Digest}.
   */
  public Manifest manifest(String reference) throws IOException {
    String what = "manifest " + reference;
    try (HttpTransport.Response r =
        exchange(what, "/manifests/" + reference, Map.of("Accept", MANIFEST_TYPES))) {
      expectOk(r, what);
      byte[] bytes = readLimited(r, MAX_MANIFEST_BYTES, what);
      Digest digest = Digester.sha256Of(bytes);
      if (reference.contains(":")) {
        Digest asked = Digest.parse(reference);
        Digester check = Digester.toCheck(asked);
        check.update(bytes, 0, bytes.length);
        if (!check.digest().equals(asked)) {
          throw new RegistryException(
              where() + ": " + what + ": the manifest sent hashes to " + check.digest(), r.status);
        }
        digest = asked;
      }
      String sent = r.header("Docker-Content-Digest");
      if (sent != null && sent.startsWith("sha256:") && !sent.equals(digest.toString())) {
        throw new RegistryException(
            where()
                + ": "
                + what
                + ": the registry says its digest is "
                + sent
                + " but it hashes to "
                + digest,
            r.status);
      }
      String type = r.header("Content-Type");
      if (type != null) {
        int semicolon = type.indexOf(';');
        type = (semicolon < 0 ? type : type.substring(0, semicolon)).trim();
      }
      if (type == null || type.isEmpty() || type.equals("application/json")) {
        type = mediaTypeField(bytes);
      }
      if (type != null && type.startsWith("application/vnd.docker.distribution.manifest.v1")) {
        throw new RegistryException(
            where()
                + ": "
                + what
                + " is a Docker schema 1 manifest ("
                + type
                + "), which is not supported; push the image again with a current client",
            r.status);
      }
      return new Manifest(bytes, type, digest);
    }
  }

  /** Reads a small blob (a config) whole, checked against its size and digest. */
  public byte[] jsonBlob(Digest digest, long size) throws IOException {
    String what = "blob " + digest;
    try (HttpTransport.Response r = exchange(what, "/blobs/" + digest, Map.of())) {
      expectOk(r, what);
      byte[] bytes = readLimited(r, size >= 0 ? size : MAX_JSON_BLOB_BYTES, what);
      if (size >= 0 && bytes.length != size) {
        throw new RegistryException(
            where()
                + ": "
                + what
                + ": "
                + bytes.length
                + " bytes sent, its descriptor says "
                + size,
            r.status);
      }
      Digest actual = Digester.sha256Of(bytes);
      if (digest.algorithm().equals("sha256") && !actual.equals(digest)) {
        throw new RegistryException(
            where() + ": " + what + ": the bytes sent hash to " + actual, r.status);
      }
      return bytes;
    }
  }

  /**
   * Opens the blob {@code digest} from byte {@code from}. The reply is 206 (the rest) or 200 (the
   * whole blob, when the server ignores {@code Range}: the caller skips what it has).
   */
  HttpTransport.Response blob(Digest digest, long from) throws IOException {
    String what = "blob " + digest;
    Map<String, String> headers = from > 0 ? Map.of("Range", "bytes=" + from + "-") : Map.of();
    HttpTransport.Response r = exchange(what, "/blobs/" + digest, headers);
    if (r.status == 200 || (r.status == 206 && from > 0)) {
      return r;
    }
    try (r) {
      expectOk(r, what);
      throw new RegistryException(
          where() + ": " + what + ": unexpected HTTP " + r.status, r.status);
    }
  }

  /** Opens the first {@code length} bytes of a blob, for a reader that needs only its start. */
  HttpTransport.Response blobStart(Digest digest, long length) throws IOException {
    String what = "blob " + digest;
    HttpTransport.Response r =
        exchange(what, "/blobs/" + digest, Map.of("Range", "bytes=0-" + (length - 1)));
    if (r.status == 200 || r.status == 206) {
      return r;
    }
    try (r) {
      expectOk(r, what);
      throw new RegistryException(
          where() + ": " + what + ": unexpected HTTP " + r.status, r.status);
    }
  }

  // One request, with every retry, answer to a challenge and redirect it takes.
  private HttpTransport.Response exchange(String what, String path, Map<String, String> headers)
      throws IOException {
    int failures = 0;
    int challenges = 0;
    while (true) {
      HttpTransport.Response r;
      try {
        r = follow(what, "/v2/" + image.repository() + path, headers);
      } catch (InterruptedIOException e) {
        throw e;
      } catch (IOException e) {
        if (!retryable(e) || ++failures >= retry.attempts()) {
          throw transportFailure(what, e, failures);
        }
        RetryPolicy.sleep(retry.backoff(failures));
        continue;
      }
      if (r.status == 401 && challenges < 2) {
        challenges++;
        String failedWith = authorization;
        readQuietly(r); // its error body says why, should the answer fail
        r.close();
        answer(r, what, failedWith);
        continue;
      }
      if ((r.status == 429 || r.status == 503 || r.status == 502 || r.status == 504)
          && ++failures < retry.attempts()) {
        Duration wait = RetryPolicy.retryAfter(r.header("Retry-After"));
        r.close();
        if (wait == null) {
          wait = retry.backoff(failures);
        } else if (wait.compareTo(retry.longestWait()) > 0) {
          throw new RegistryException(
              where()
                  + ": "
                  + what
                  + ": HTTP "
                  + r.status
                  + ", and the registry asks to wait "
                  + wait.toSeconds()
                  + " s before asking again",
              r.status);
        }
        RetryPolicy.sleep(wait);
        continue;
      }
      return r;
    }
  }

  // Sends the request, following redirects; Authorization goes to the registry's own host only.
  private HttpTransport.Response follow(String what, String path, Map<String, String> headers)
      throws IOException {
    URI uri = URI.create(scheme + "://" + image.apiHost() + path);
    HttpTransport.Response r = null;
    for (int hops = 0; hops <= MAX_REDIRECTS; hops++) {
      Map<String, String> sent = new LinkedHashMap<>(headers);
      if (authorization != null && sameOrigin(uri)) {
        sent.put("Authorization", authorization);
      }
      try {
        r = transport.send("GET", uri, sent, null);
      } catch (SSLException e) {
        if (!tlsVerify && hops == 0 && scheme.equals("https")) {
          scheme = "http"; // --tls-verify=false: a registry that speaks no TLS, as skopeo allows
          uri = URI.create("http://" + image.apiHost() + path);
          hops--;
          continue;
        }
        throw e;
      }
      if (r.status < 300 || r.status >= 400 || r.status == 304) {
        return r;
      }
      String location = r.header("Location");
      r.close();
      if (location == null) {
        throw new RegistryException(
            where() + ": " + what + ": HTTP " + r.status + " without a Location", r.status);
      }
      uri = uri.resolve(location);
    }
    throw new RegistryException(
        where() + ": " + what + ": more than " + MAX_REDIRECTS + " redirects", r.status);
  }

  private boolean sameOrigin(URI uri) {
    String host = uri.getHost() + (uri.getPort() > 0 ? ":" + uri.getPort() : "");
    return host.equalsIgnoreCase(image.apiHost());
  }

  // Answers a 401: a Bearer token for our scope, or Basic credentials.
  private void answer(HttpTransport.Response r, String what, String failedWith) throws IOException {
    List<Challenge> challenges = new ArrayList<>();
    for (String header : r.headers("WWW-Authenticate")) {
      challenges.addAll(Challenge.parse(header));
    }
    Optional<CredentialStore.Found> creds = credentials();
    for (Challenge c : challenges) {
      if (c.scheme().equalsIgnoreCase("Bearer")) {
        if (failedWith != null && failedWith.startsWith("Bearer ")) {
          tokens.invalidate(failedWith.substring(7)); // expired, or revoked: ask anew once
        }
        authorization = "Bearer " + tokens.token(c, scope, creds);
        return;
      }
    }
    for (Challenge c : challenges) {
      if (c.scheme().equalsIgnoreCase("Basic")) {
        if (creds.isEmpty() || creds.get().credentials().isIdentityToken()) {
          throw denied(r, what, creds);
        }
        String basic = BearerTokens.basicHeader(creds.get().credentials());
        if (basic.equals(failedWith)) {
          throw denied(r, what, creds);
        }
        authorization = basic;
        return;
      }
    }
    throw denied(r, what, creds);
  }

  private synchronized Optional<CredentialStore.Found> credentials() throws IOException {
    if (found == null) {
      found = credentials.lookup(image.registry(), image.repository());
    }
    return found;
  }

  private void expectOk(HttpTransport.Response r, String what) throws IOException {
    if (r.status == 200 || r.status == 206) {
      return;
    }
    if (r.status == 401 || r.status == 403) {
      throw denied(r, what, credentials());
    }
    String detail = errorDetail(r);
    String meaning =
        switch (r.status) {
          case 404 ->
              what.startsWith("manifest")
                  ? "not found: no such tag, digest or repository"
                  : "not found";
          case 429 -> "too many requests, still refused after " + retry.attempts() + " attempts";
          default -> "failed";
        };
    throw new RegistryException(
        where() + ": " + what + ": " + meaning + " (HTTP " + r.status + detail + ")", r.status);
  }

  private RegistryException denied(
      HttpTransport.Response r, String what, Optional<CredentialStore.Found> creds) {
    String detail = errorDetail(r);
    String tried =
        creds
            .map(f -> "with " + f.describe())
            .orElse(
                "anonymously (no credentials found for "
                    + image.registry()
                    + "; give --creds USER:PASS or --authfile FILE, or log in with podman login"
                    + " or docker login)");
    return new RegistryException(
        where() + ": " + what + ": access denied (HTTP " + r.status + detail + ") " + tried,
        r.status);
  }

  // ", MANIFEST_UNKNOWN: manifest unknown" from the spec's error body, when there is one.
  private static String errorDetail(HttpTransport.Response r) {
    try {
      byte[] body = r.readBody(64 << 10);
      JsonNode errors = Json.MAPPER.readTree(body).path("errors");
      if (errors.isArray() && errors.size() > 0) {
        JsonNode e = errors.get(0);
        String code = e.path("code").asText("");
        String message = e.path("message").asText("");
        String text = (code + (message.isEmpty() ? "" : ": " + message)).replaceAll("\\s+", " ");
        return text.isEmpty() ? "" : ", " + (text.length() > 200 ? text.substring(0, 200) : text);
      }
    } catch (IOException | RuntimeException e) {
      // no body, or not the spec's: the status says enough
    }
    return "";
  }

  private static void readQuietly(HttpTransport.Response r) {
    try {
      r.readBody(64 << 10);
    } catch (IOException e) {
      // the status alone will do
    }
  }

  private byte[] readLimited(HttpTransport.Response r, long limit, String what) throws IOException {
    try {
      return r.readBody(limit);
    } catch (InterruptedIOException e) {
      throw e;
    } catch (IOException e) {
      throw new RegistryException(where() + ": " + what + ": " + e.getMessage(), e);
    }
  }

  /** A manifest's own {@code mediaType} field, or null when it has none. */
  static String mediaTypeField(byte[] bytes) {
    try {
      return Json.MAPPER.readTree(bytes).path("mediaType").asText(null);
    } catch (IOException e) {
      return null;
    }
  }

  // Refused connections, unknown hosts and TLS failures will not mend by asking again.
  private static boolean retryable(IOException e) {
    return !(e instanceof ConnectException
        || e instanceof UnknownHostException
        || e instanceof NoRouteToHostException
        || e instanceof SSLException);
  }

  private RegistryException transportFailure(String what, IOException e, int attempts) {
    String reason = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
    String hint = "";
    if (e instanceof SSLException) {
      hint =
          tlsVerify
              ? "; for a registry whose CA is not the system's, give it with --cert-dir DIR (or"
                  + " in /etc/containers/certs.d/HOST:PORT/); for one without TLS, or to trust"
                  + " any certificate, add --tls-verify=false"
              : "";
      reason = "TLS failure: " + reason;
    } else if (e instanceof UnknownHostException) {
      reason = "unknown host " + reason;
    } else if (e instanceof ConnectException) {
      reason = "cannot connect: " + reason;
    }
    String after = attempts > 1 ? " (after " + attempts + " attempts)" : "";
    return new RegistryException(where() + ": " + what + ": " + reason + after + hint, e);
  }
}
