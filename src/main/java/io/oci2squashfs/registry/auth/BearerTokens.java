package io.oci2squashfs.registry.auth;

import com.fasterxml.jackson.databind.JsonNode;
import io.oci2squashfs.image.json.Json;
import java.io.IOException;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Gets Bearer tokens from a registry's token service (the distribution token spec, and docker's
 * OAuth2 refresh-token flow for identity tokens) and keeps each until shortly before it expires.
 * Tokens are cached per realm, service, scope and credentials. Safe for use by several threads; a
 * token is fetched by one thread while others asking for the same one wait.
 *
 * <p>Failures are {@link RegistryAuthException}s (refused credentials, an error status, a reply
 * without a token); transport failures of {@link TokenHttp} pass through unchanged. No message
 * holds a token or a secret.
 */
public final class BearerTokens {
  /** The shortest lifetime a token is given, as the token spec says: 60 s. */
  static final Duration MIN_LIFETIME = Duration.ofSeconds(60);

  /** A cached token is fetched anew this long before it expires. */
  static final Duration REFRESH_MARGIN = Duration.ofSeconds(10);

  /** Sent as {@code client_id} in the OAuth2 refresh-token request. */
  static final String CLIENT_ID = "oci2squashfs";

  private static final int MAX_SAID = 200;

  private record Key(String realm, String service, String scope, Credentials credentials) {}

  private static final class Token {
    final String value;
    final Instant expires;

    Token(String value, Instant expires) {
      this.value = value;
      this.expires = expires;
    }

    @Override
    public String toString() {
      return "Token[***, expires=" + expires + "]";
    }
  }

  private final TokenHttp http;
  private final Clock clock;
  private final Map<Key, Token> tokens = new ConcurrentHashMap<>();
  private final Map<Key, Object> fetching = new ConcurrentHashMap<>();

  public BearerTokens(TokenHttp http) {
    this(http, Clock.systemUTC());
  }

  /** With {@code clock} deciding when tokens expire (tests). */
  public BearerTokens(TokenHttp http, Clock clock) {
    this.http = Objects.requireNonNull(http, "http");
    this.clock = Objects.requireNonNull(clock, "clock");
  }

  /**
   * A token for {@code scope}, from the cache or fetched from the challenge's realm. Anonymous or
   * with a username and password: {@code GET realm?service=S&scope=SCOPE} (each space-separated
   * scope its own {@code scope} param), with Basic authentication when there are credentials. With
   * an identity token: {@code POST realm} of the form {@code grant_type=refresh_token,
   * refresh_token, service, scope, client_id}, as docker does.
   *
   * @param challenge a Bearer challenge; its {@code realm} is the token service, its {@code
   *     service} is passed on
   * @param scope e.g. {@code repository:library/debian:pull}; null for the challenge's own {@code
   *     scope} param (no scope at all when it has none either)
   * @param credentials what {@link CredentialStore#lookup} found; empty for anonymous access
   * @throws IllegalArgumentException when the challenge is not a Bearer challenge
   * @throws RegistryAuthException when the challenge has no usable realm, the token service refuses
   *     (401, 403) or fails, or its reply holds no token
   */
  public String token(
      Challenge challenge, String scope, Optional<CredentialStore.Found> credentials)
      throws IOException {
    if (!challenge.isBearer()) {
      throw new IllegalArgumentException("not a Bearer challenge: " + challenge.scheme());
    }
    URI realm = realm(challenge);
    String service = emptyToNull(challenge.param("service"));
    String sc = emptyToNull(scope != null ? scope : challenge.param("scope"));
    Credentials creds = credentials.map(CredentialStore.Found::credentials).orElse(null);
    Key key = new Key(realm.toString(), service, sc, creds);
    Token t = tokens.get(key);
    if (fresh(t)) {
      return t.value;
    }
    synchronized (fetching.computeIfAbsent(key, k -> new Object())) {
      t = tokens.get(key);
      if (!fresh(t)) {
        t = fetch(realm, service, sc, credentials);
        tokens.put(key, t);
      }
      return t.value;
    }
  }

  /**
   * Forgets {@code token}, which the registry refused (it expired early, or was revoked), so that
   * the next {@link #token} for its scope fetches a new one. A token already replaced in the cache
   * by another thread is left alone.
   */
  public void invalidate(String token) {
    tokens.values().removeIf(t -> t.value.equals(token));
  }

  /**
   * The {@code Authorization} header value for Basic authentication: {@code Basic
   * base64(user:password)}.
   *
   * @throws IllegalArgumentException for an identity token, which only a token service accepts
   */
  public static String basicHeader(Credentials credentials) {
    if (credentials.isIdentityToken()) {
      throw new IllegalArgumentException("an identity token cannot be sent as Basic credentials");
    }
    String userPass = credentials.username() + ":" + credentials.secret();
    return "Basic " + Base64.getEncoder().encodeToString(userPass.getBytes(StandardCharsets.UTF_8));
  }

  private boolean fresh(Token t) {
    return t != null && clock.instant().isBefore(t.expires.minus(REFRESH_MARGIN));
  }

  private static URI realm(Challenge challenge) throws RegistryAuthException {
    String realm = challenge.realm();
    if (realm == null || realm.isEmpty()) {
      throw new RegistryAuthException(
          "the registry's Bearer challenge names no realm (token service): " + challenge, -1);
    }
    try {
      URI uri = new URI(realm);
      String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
      if ((scheme.equals("https") || scheme.equals("http")) && uri.getHost() != null) {
        return uri;
      }
    } catch (URISyntaxException e) {
      // reported below
    }
    throw new RegistryAuthException(
        "the registry's Bearer realm is not an http(s) URL: " + realm, -1);
  }

  private Token fetch(
      URI realm, String service, String scope, Optional<CredentialStore.Found> found)
      throws IOException {
    Credentials creds = found.map(CredentialStore.Found::credentials).orElse(null);
    Instant sent = clock.instant();
    TokenHttp.Reply reply;
    if (creds != null && creds.isIdentityToken()) {
      StringBuilder form = new StringBuilder("grant_type=refresh_token");
      form.append("&refresh_token=").append(encode(creds.secret()));
      if (service != null) {
        form.append("&service=").append(encode(service));
      }
      if (scope != null) {
        form.append("&scope=").append(encode(scope));
      }
      form.append("&client_id=").append(CLIENT_ID);
      reply =
          http.send(
              "POST",
              realm,
              Map.of("Content-Type", "application/x-www-form-urlencoded"),
              form.toString().getBytes(StandardCharsets.UTF_8));
    } else {
      List<String> query = new ArrayList<>();
      if (service != null) {
        query.add("service=" + encode(service));
      }
      if (scope != null) {
        for (String s : scope.trim().split("\\s+")) {
          query.add("scope=" + encode(s));
        }
      }
      Map<String, String> headers =
          creds == null ? Map.of() : Map.of("Authorization", basicHeader(creds));
      reply = http.send("GET", withQuery(realm, query), headers, null);
    }
    return parse(reply, realm, scope, found, sent);
  }

  private Token parse(
      TokenHttp.Reply reply,
      URI realm,
      String scope,
      Optional<CredentialStore.Found> found,
      Instant sent)
      throws RegistryAuthException {
    String host = host(realm);
    String what = scope == null ? "a token without scope" : scope;
    String with = found.map(f -> "with " + f.describe()).orElse("with no credentials (anonymous)");
    int status = reply.status();
    if (status == 401 || status == 403) {
      throw new RegistryAuthException(
          "token service "
              + host
              + " refused "
              + what
              + " (HTTP "
              + status
              + ") "
              + with
              + said(reply.body(), found),
          status);
    }
    if (status < 200 || status > 299) {
      throw new RegistryAuthException(
          "token service "
              + host
              + " answered HTTP "
              + status
              + " for "
              + what
              + " "
              + with
              + said(reply.body(), found),
          status);
    }
    JsonNode json;
    try {
      json = Json.MAPPER.readTree(reply.body());
    } catch (IOException e) {
      json = null; // Jackson's message could quote the token
    }
    if (json == null || !json.isObject()) {
      throw new RegistryAuthException(
          "token service "
              + host
              + " (realm "
              + realm
              + ") answered what is not a JSON object"
              + " for "
              + what,
          -1);
    }
    String token = text(json, "access_token");
    if (token.isEmpty()) {
      token = text(json, "token");
    }
    if (token.isEmpty()) {
      throw new RegistryAuthException(
          "token service "
              + host
              + " (realm "
              + realm
              + ") answered no token for "
              + what
              + " (neither \"token\" nor \"access_token\")",
          -1);
    }
    if (!token.chars().allMatch(c -> c > 0x20 && c < 0x7f)) {
      throw new RegistryAuthException(
          "token service "
              + host
              + " (realm "
              + realm
              + ") answered a token with characters no HTTP header can carry, for "
              + what,
          -1);
    }
    return new Token(token, expiry(json, sent));
  }

  /**
   * When a token expires: {@code expires_in} seconds (at least {@link #MIN_LIFETIME}) after {@code
   * issued_at}, or after the request was sent when {@code issued_at} is absent or disagrees with
   * our clock (in the future, or so far past that the token would be expired already).
   */
  private static Instant expiry(JsonNode json, Instant sent) {
    JsonNode in = json.path("expires_in");
    long seconds = in.isNumber() || in.isTextual() ? in.asLong(0) : 0;
    Duration lifetime =
        seconds < MIN_LIFETIME.toSeconds() ? MIN_LIFETIME : Duration.ofSeconds(seconds);
    Instant issued = null;
    String at = text(json, "issued_at");
    if (!at.isEmpty()) {
      try {
        issued = OffsetDateTime.parse(at).toInstant();
      } catch (DateTimeParseException e) {
        issued = null; // optional: a value we cannot read counts as absent
      }
    }
    Instant base =
        issued != null && !issued.isAfter(sent) && issued.plus(lifetime).isAfter(sent)
            ? issued
            : sent;
    return base.plus(lifetime);
  }

  /**
   * What the token service said about an error, from the JSON forms in use: the distribution spec's
   * {@code errors[].message}, OAuth2's {@code error_description} or {@code error}, Docker Hub's
   * {@code details}; with the secret blanked out should it be echoed. Empty otherwise.
   */
  private static String said(byte[] body, Optional<CredentialStore.Found> found) {
    JsonNode json;
    try {
      json = Json.MAPPER.readTree(body);
    } catch (IOException e) {
      return "";
    }
    if (json == null || !json.isObject()) {
      return "";
    }
    String msg = text(json.path("errors").path(0), "message");
    for (String field : new String[] {"error_description", "details", "message", "error"}) {
      if (msg.isEmpty()) {
        msg = text(json, field);
      }
    }
    if (msg.isEmpty()) {
      return "";
    }
    if (found.isPresent()) {
      msg = msg.replace(found.get().credentials().secret(), "***");
    }
    msg = msg.strip().replaceAll("\\s+", " ");
    return ": " + (msg.length() <= MAX_SAID ? msg : msg.substring(0, MAX_SAID) + "...");
  }

  private static String text(JsonNode json, String field) {
    JsonNode n = json.path(field);
    return n.isTextual() ? n.asText() : "";
  }

  private static URI withQuery(URI realm, List<String> params) throws RegistryAuthException {
    if (params.isEmpty()) {
      return realm;
    }
    String s = realm.toString();
    int hash = s.indexOf('#');
    if (hash >= 0) {
      s = s.substring(0, hash);
    }
    String sep =
        realm.getRawQuery() == null ? "?" : (s.endsWith("&") || s.endsWith("?") ? "" : "&");
    try {
      return new URI(s + sep + String.join("&", params));
    } catch (URISyntaxException e) {
      throw new RegistryAuthException(
          "the registry's Bearer realm is not an http(s) URL: " + realm, -1);
    }
  }

  private static String host(URI realm) {
    return realm.getPort() < 0 ? realm.getHost() : realm.getHost() + ":" + realm.getPort();
  }

  private static String encode(String s) {
    return URLEncoder.encode(s, StandardCharsets.UTF_8);
  }

  private static String emptyToNull(String s) {
    return s == null || s.isEmpty() ? null : s;
  }
}
