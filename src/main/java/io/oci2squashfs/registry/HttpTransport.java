package io.oci2squashfs.registry;

import java.io.Closeable;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Authenticator;
import java.net.HttpURLConnection;
import java.net.PasswordAuthentication;
import java.net.URI;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import javax.net.ssl.HttpsURLConnection;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocketFactory;
import javax.net.ssl.TrustManager;
import javax.net.ssl.X509TrustManager;

/**
 * One HTTP exchange at a time, with nothing registry-specific: TLS checked against the system's
 * trust store (or not at all, for {@code --tls-verify=false}), the environment's proxies, timeouts
 * on connecting and on every read (a stalled download fails instead of hanging), and no redirect
 * followed by itself. HttpURLConnection rather than the JDK's newer client, because only it has a
 * read timeout for a body read as a stream.
 */
final class HttpTransport {
  static {
    // Basic proxy credentials for HTTPS tunnels are refused by default; a proxy URL's user and
    // password are the user's own choice, so allow them (read once, when the class first loads).
    if (System.getProperty("jdk.http.auth.tunneling.disabledSchemes") == null) {
      System.setProperty("jdk.http.auth.tunneling.disabledSchemes", "");
    }
  }

  private final boolean tlsVerify;
  private final ProxySettings proxies;
  private final Duration connectTimeout;
  private final Duration readTimeout;
  private final SSLSocketFactory trustAll;
  private final Path certDir;
  private final Map<String, Optional<SSLSocketFactory>> extraTrust = new ConcurrentHashMap<>();

  /**
   * @param certDir {@code --cert-dir}: the only directory of extra CA certificates, or null for
   *     podman's and docker's {@code certs.d/HOST:PORT}
   */
  HttpTransport(
      boolean tlsVerify,
      Path certDir,
      ProxySettings proxies,
      Duration connectTimeout,
      Duration readTimeout) {
    this.tlsVerify = tlsVerify;
    this.certDir = certDir;
    this.proxies = proxies;
    this.connectTimeout = connectTimeout;
    this.readTimeout = readTimeout;
    this.trustAll = tlsVerify ? null : trustAllFactory();
  }

  /** A reply: its status and headers, and its body to read (or close unread). */
  static final class Response implements Closeable {
    final URI uri;
    final int status;
    private final Map<String, List<String>> headers;
    private final InputStream body;
    private final HttpURLConnection connection;
    private byte[] read;

    Response(
        URI uri,
        int status,
        Map<String, List<String>> headers,
        InputStream body,
        HttpURLConnection connection) {
      this.uri = uri;
      this.status = status;
      this.headers = headers;
      this.body = body != null ? body : InputStream.nullInputStream();
      this.connection = connection;
    }

    /** The first value of the header {@code name} (any case), or null. */
    String header(String name) {
      List<String> values = headers.get(name.toLowerCase(Locale.ROOT));
      return values == null || values.isEmpty() ? null : values.get(0);
    }

    /** Every value of the header {@code name} (any case). */
    List<String> headers(String name) {
      return headers.getOrDefault(name.toLowerCase(Locale.ROOT), List.of());
    }

    Map<String, List<String>> headers() {
      return headers;
    }

    InputStream body() {
      return body;
    }

    /**
     * Reads the body whole, up to {@code limit} bytes (more is an error); a second call returns the
     * same bytes.
     */
    byte[] readBody(long limit) throws IOException {
      if (read != null) {
        return read;
      }
      try (InputStream in = body) {
        byte[] bytes = in.readNBytes((int) Math.min(limit + 1, Integer.MAX_VALUE - 8));
        if (bytes.length > limit) {
          throw new IOException("the reply from " + uri.getHost() + " is over " + limit + " bytes");
        }
        read = bytes;
        return bytes;
      }
    }

    /** Ends the exchange; a body not read to its end closes the connection. */
    @Override
    public void close() {
      try {
        body.close();
      } catch (IOException e) {
        connection.disconnect();
      }
    }

    /** Drops the connection at once, for a body not worth reading to its end. */
    void abort() {
      connection.disconnect();
    }
  }

  /**
   * Sends one request.
   *
   * @param headers request headers; values are not logged anywhere
   * @param body a request body, or null
   * @throws IOException when no reply arrives (connection refused, TLS failure, timeout)
   */
  Response send(String method, URI uri, Map<String, String> headers, byte[] body)
      throws IOException {
    ProxySettings.ProxyServer proxy = proxies.proxyFor(uri);
    HttpURLConnection c =
        (HttpURLConnection)
            (proxy != null
                ? uri.toURL().openConnection(proxy.proxy())
                : uri.toURL().openConnection());
    c.setInstanceFollowRedirects(false);
    c.setUseCaches(false);
    c.setConnectTimeout((int) connectTimeout.toMillis());
    c.setReadTimeout((int) readTimeout.toMillis());
    c.setRequestMethod(method);
    if (c instanceof HttpsURLConnection https) {
      if (!tlsVerify) {
        https.setSSLSocketFactory(trustAll);
        https.setHostnameVerifier((host, session) -> true);
      } else {
        SSLSocketFactory extra = extraTrust(uri);
        if (extra != null) {
          https.setSSLSocketFactory(extra);
        }
      }
    }
    if (proxy != null && proxy.user() != null) {
      c.setAuthenticator(proxyAuthenticator(proxy));
    }
    c.setRequestProperty("User-Agent", "oci2squashfs");
    headers.forEach(c::setRequestProperty);
    if (body != null) {
      c.setDoOutput(true);
      c.setFixedLengthStreamingMode(body.length);
      try (OutputStream out = c.getOutputStream()) {
        out.write(body);
      }
    }
    int status = c.getResponseCode();
    Map<String, List<String>> replyHeaders = new LinkedHashMap<>();
    c.getHeaderFields()
        .forEach(
            (k, v) -> {
              if (k != null) {
                replyHeaders.put(k.toLowerCase(Locale.ROOT), new ArrayList<>(v));
              }
            });
    InputStream in = status >= 400 ? c.getErrorStream() : c.getInputStream();
    return new Response(uri, status, replyHeaders, in, c);
  }

  // The system's authorities and those certs.d (or --cert-dir) adds for this host, once per host.
  private SSLSocketFactory extraTrust(URI uri) throws IOException {
    String host = uri.getHost() + (uri.getPort() > 0 ? ":" + uri.getPort() : "");
    Optional<SSLSocketFactory> known = extraTrust.get(host);
    if (known == null) {
      known = Optional.ofNullable(TrustedCertificates.forHost(host, certDir));
      extraTrust.put(host, known);
    }
    return known.orElse(null);
  }

  private static Authenticator proxyAuthenticator(ProxySettings.ProxyServer proxy) {
    return new Authenticator() {
      @Override
      protected PasswordAuthentication getPasswordAuthentication() {
        if (getRequestorType() != RequestorType.PROXY) {
          return null; // a registry's own challenge is answered by RegistryClient, not here
        }
        return new PasswordAuthentication(proxy.user(), proxy.password().toCharArray());
      }
    };
  }

  // --tls-verify=false: any certificate, any host name, as skopeo and podman do.
  private static SSLSocketFactory trustAllFactory() {
    TrustManager[] trustAll = {
      new X509TrustManager() {
        @Override
        public void checkClientTrusted(X509Certificate[] chain, String authType) {}

        @Override
        public void checkServerTrusted(X509Certificate[] chain, String authType) {}

        @Override
        public X509Certificate[] getAcceptedIssuers() {
          return new X509Certificate[0];
        }
      }
    };
    try {
      SSLContext context = SSLContext.getInstance("TLS");
      context.init(null, trustAll, null);
      return context.getSocketFactory();
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("cannot set up TLS: " + e.getMessage(), e);
    }
  }
}
