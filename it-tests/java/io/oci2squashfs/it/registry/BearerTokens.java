package io.oci2squashfs.it.registry;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.oci2squashfs.image.json.Json;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The token side of Docker's token authentication: opaque random tokens, each granting the scopes
 * it was asked for ({@code repository:NAME:pull}) until it expires. Thread-safe.
 */
final class BearerTokens {
  private static final SecureRandom RANDOM = new SecureRandom();

  private record Grant(List<String> scopes, long expiresAtNanos) {}

  private final Map<String, Grant> issued = new ConcurrentHashMap<>();
  private volatile Duration lifetime = Duration.ofMinutes(5);
  private volatile String refreshToken;

  /** How long tokens issued from now on stay valid. */
  void lifetime(Duration lifetime) {
    if (lifetime.isNegative() || lifetime.isZero()) {
      throw new IllegalArgumentException("token lifetime must be positive: " + lifetime);
    }
    this.lifetime = lifetime;
  }

  /** The refresh token that the token endpoint accepts and hands out; null: none. */
  void refreshToken(String token) {
    this.refreshToken = token;
  }

  String refreshToken() {
    return refreshToken;
  }

  /** Makes every token issued so far invalid. */
  void expireAll() {
    issued.clear();
  }

  /** A new token for {@code scopes}. */
  String issue(List<String> scopes) {
    byte[] bytes = new byte[24];
    RANDOM.nextBytes(bytes);
    String token = HexFormat.of().formatHex(bytes);
    issued.put(token, new Grant(List.copyOf(scopes), System.nanoTime() + lifetime.toNanos()));
    return token;
  }

  /**
   * Whether {@code token} is valid now and, when {@code repository} is not null, grants pull on it.
   * A token without scopes is good for {@code /v2/} alone, as at Docker Hub.
   */
  boolean allows(String token, String repository) {
    Grant g = token == null ? null : issued.get(token);
    if (g == null || System.nanoTime() - g.expiresAtNanos() >= 0) {
      return false;
    }
    if (repository == null) {
      return true;
    }
    for (String scope : g.scopes()) {
      int first = scope.indexOf(':');
      int last = scope.lastIndexOf(':');
      if (first < 0 || first == last || !scope.substring(0, first).equals("repository")) {
        continue;
      }
      if (scope.substring(first + 1, last).equals(repository)) {
        for (String action : scope.substring(last + 1).split(",")) {
          if (action.equals("pull") || action.equals("*")) {
            return true;
          }
        }
      }
    }
    return false;
  }

  /** The token endpoint's answer for a new token, with a refresh token if {@code offline}. */
  String json(String token, boolean offline) {
    ObjectNode json = Json.MAPPER.createObjectNode();
    json.put("token", token);
    json.put("access_token", token);
    json.put("expires_in", Math.max(1, (lifetime.toMillis() + 999) / 1000));
    json.put("issued_at", Instant.now().toString());
    String refresh = refreshToken;
    if (offline && refresh != null) {
      json.put("refresh_token", refresh);
    }
    return json.toString();
  }
}
