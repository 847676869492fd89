package io.oci2squashfs.registry;

import io.oci2squashfs.registry.auth.TokenHttp;
import java.io.IOException;
import java.net.URI;
import java.util.Map;

/** The token service's exchanges, over the same transport (TLS, proxies, timeouts). */
final class TokenExchange implements TokenHttp {
  private static final long MAX_REPLY = 1L << 20;
  private static final int MAX_REDIRECTS = 5;

  private final HttpTransport transport;

  TokenExchange(HttpTransport transport) {
    this.transport = transport;
  }

  @Override
  public Reply send(String method, URI uri, Map<String, String> headers, byte[] body)
      throws IOException {
    for (int hops = 0; ; hops++) {
      try (HttpTransport.Response r = transport.send(method, uri, headers, body)) {
        String location = r.header("Location");
        if (r.status >= 300 && r.status < 400 && location != null && hops < MAX_REDIRECTS) {
          URI next = uri.resolve(location);
          if (!next.getHost().equalsIgnoreCase(uri.getHost()) || next.getPort() != uri.getPort()) {
            headers = Map.of(); // credentials stay with the host they were meant for
          }
          uri = next;
          continue;
        }
        return new Reply(r.status, r.headers(), r.readBody(MAX_REPLY));
      }
    }
  }
}
