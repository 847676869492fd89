package io.oci2squashfs.registry.auth;

import java.io.IOException;
import java.net.URI;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/** The one HTTP exchange {@link BearerTokens} needs, implemented by the registry client. */
public interface TokenHttp {
  /**
   * Sends a request and returns the whole reply; follows no redirect unless it chooses to.
   *
   * @param headers request headers to send, besides whatever the transport adds itself
   * @param body the request body, or null for none
   * @throws IOException for transport failures; an HTTP error status is a {@link Reply}
   */
  Reply send(String method, URI uri, Map<String, String> headers, byte[] body) throws IOException;

  /**
   * A reply.
   *
   * @param headers by lower-case name (names are lower-cased here; a null name, such as
   *     HttpURLConnection gives the status line, is dropped)
   * @param body the whole body; null counts as empty
   */
  record Reply(int status, Map<String, List<String>> headers, byte[] body) {
    public Reply {
      Map<String, List<String>> lower = new LinkedHashMap<>();
      headers.forEach(
          (name, values) -> {
            if (name != null) {
              lower.put(name.toLowerCase(Locale.ROOT), List.copyOf(values));
            }
          });
      headers = Collections.unmodifiableMap(lower);
      body = body == null ? new byte[0] : body;
    }
  }
}
