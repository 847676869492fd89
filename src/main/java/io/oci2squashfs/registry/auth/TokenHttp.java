package io.oci2squashfs.registry.auth;

import java.io.IOException;
import java.net.URI;
import java.util.List;
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
   * @param headers by lower-case name
   */
  record Reply(int status, Map<String, List<String>> headers, byte[] body) {
    public Reply {
      headers = Map.copyOf(headers);
      body = body == null ? new byte[0] : body;
    }
  }
}
