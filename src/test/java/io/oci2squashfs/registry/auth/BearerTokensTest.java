package io.oci2squashfs.registry.auth;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class BearerTokensTest {
  private static final String HUB =
      "Bearer realm=\"https://auth.docker.io/token\",service=\"registry.docker.io\","
          + "scope=\"repository:library/ubuntu:pull\"";
  private static final String SCOPE = "repository:library/debian:pull";
  private static final Instant T0 = Instant.parse("2024-05-01T12:00:00Z");

  /** A clock the test moves. */
  static final class MovableClock extends Clock {
    Instant now = T0;

    void advance(long seconds) {
      now = now.plusSeconds(seconds);
    }

    @Override
    public Instant instant() {
      return now;
    }

    @Override
    public java.time.ZoneId getZone() {
      return ZoneOffset.UTC;
    }

    @Override
    public Clock withZone(java.time.ZoneId zone) {
      return this;
    }
  }

  record Request(String method, URI uri, Map<String, String> headers, String body) {}

  /** Answers from a queue of replies and records every request. */
  static final class FakeHttp implements TokenHttp {
    final List<Request> requests = new ArrayList<>();
    final Deque<Reply> replies = new ArrayDeque<>();

    FakeHttp reply(int status, String json) {
      replies.add(
          new Reply(
              status,
              Map.of("content-type", List.of("application/json")),
              json.getBytes(StandardCharsets.UTF_8)));
      return this;
    }

    @Override
    public Reply send(String method, URI uri, Map<String, String> headers, byte[] body) {
      requests.add(
          new Request(
              method,
              uri,
              headers,
              body == null ? null : new String(body, StandardCharsets.UTF_8)));
      if (replies.isEmpty()) {
        throw new AssertionError("unexpected request " + method + " " + uri);
      }
      return replies.remove();
    }
  }

  private final MovableClock clock = new MovableClock();
  private final FakeHttp http = new FakeHttp();
  private final BearerTokens tokens = new BearerTokens(http, clock);

  private static Challenge challenge(String header) {
    return Challenge.parse(header).get(0);
  }

  private static Optional<CredentialStore.Found> found(Credentials c, String source) {
    return Optional.of(new CredentialStore.Found(c, source));
  }

  private String hubToken(Optional<CredentialStore.Found> creds) throws IOException {
    return tokens.token(challenge(HUB), SCOPE, creds);
  }

  // --- the request

  @Test
  void anonymousIsAPlainGetWithServiceAndScope() throws IOException {
    http.reply(200, "{\"token\": \"t1\"}");
    assertEquals("t1", hubToken(Optional.empty()));
    Request r = http.requests.get(0);
    assertEquals("GET", r.method());
    assertEquals(
        URI.create(
            "https://auth.docker.io/token?service=registry.docker.io"
                + "&scope=repository%3Alibrary%2Fdebian%3Apull"),
        r.uri());
    assertEquals(Map.of(), r.headers());
    assertNull(r.body());
  }

  @Test
  void aPasswordGoesAsBasicAuthentication() throws IOException {
    http.reply(200, "{\"token\": \"t1\"}");
    hubToken(found(new Credentials("bob", "pa:ss"), "--creds"));
    assertEquals(
        Map.of("Authorization", "Basic Ym9iOnBhOnNz"),
        http.requests.get(0).headers(),
        "base64 of bob:pa:ss");
  }

  @Test
  void theChallengesScopeServesWhenNoneIsGiven() throws IOException {
    http.reply(200, "{\"token\": \"t1\"}");
    tokens.token(challenge(HUB), null, Optional.empty());
    assertTrue(
        http.requests
            .get(0)
            .uri()
            .toString()
            .endsWith("&scope=repository%3Alibrary%2Fubuntu%3Apull"),
        http.requests.get(0).uri()::toString);
  }

  @Test
  void severalScopesAreSeveralParamsAndARealmsQueryIsKept() throws IOException {
    http.reply(200, "{\"token\": \"t1\"}");
    http.reply(200, "{\"token\": \"t2\"}");
    Challenge c = challenge("Bearer realm=\"https://r.io/auth?x=1\"");
    tokens.token(c, "repository:a:pull repository:b:pull,push", Optional.empty());
    assertEquals(
        "https://r.io/auth?x=1&scope=repository%3Aa%3Apull&scope=repository%3Ab%3Apull%2Cpush",
        http.requests.get(0).uri().toString());
    tokens.token(c, null, Optional.empty());
    assertEquals("https://r.io/auth?x=1", http.requests.get(1).uri().toString(), "no scope");
  }

  @Test
  void anIdentityTokenIsTradedByAnOAuth2Post() throws IOException {
    http.reply(200, "{\"access_token\": \"t1\", \"refresh_token\": \"r2\", \"expires_in\": 300}");
    assertEquals("t1", hubToken(found(Credentials.identityToken("r/1+"), "auth file /a.json")));
    Request r = http.requests.get(0);
    assertEquals("POST", r.method());
    assertEquals(URI.create("https://auth.docker.io/token"), r.uri());
    assertEquals(Map.of("Content-Type", "application/x-www-form-urlencoded"), r.headers());
    assertEquals(
        "grant_type=refresh_token&refresh_token=r%2F1%2B&service=registry.docker.io"
            + "&scope=repository%3Alibrary%2Fdebian%3Apull&client_id=oci2squashfs",
        r.body());
  }

  @Test
  void accessTokenIsPreferredToToken() throws IOException {
    http.reply(200, "{\"token\": \"old\", \"access_token\": \"new\"}");
    assertEquals("new", hubToken(Optional.empty()));
  }

  // --- the cache

  @Test
  void aTokenIsReusedForItsScopeAndCredentials() throws IOException {
    http.reply(200, "{\"token\": \"t1\", \"expires_in\": 300}");
    http.reply(200, "{\"token\": \"t2\", \"expires_in\": 300}");
    http.reply(200, "{\"token\": \"t3\", \"expires_in\": 300}");
    assertEquals("t1", hubToken(Optional.empty()));
    assertEquals("t1", hubToken(Optional.empty()));
    assertEquals("t2", tokens.token(challenge(HUB), "repository:other:pull", Optional.empty()));
    assertEquals("t3", hubToken(found(new Credentials("bob", "pw"), "--creds")));
    assertEquals(3, http.requests.size());
  }

  @Test
  void aTokenIsFetchedAnewShortlyBeforeItExpires() throws IOException {
    http.reply(200, "{\"token\": \"t1\", \"expires_in\": 300}");
    http.reply(200, "{\"token\": \"t2\", \"expires_in\": 300}");
    assertEquals("t1", hubToken(Optional.empty()));
    clock.advance(289);
    assertEquals("t1", hubToken(Optional.empty()));
    clock.advance(2); // 9 s left: within the refresh margin
    assertEquals("t2", hubToken(Optional.empty()));
  }

  @Test
  void tokensLiveAtLeastSixtySeconds() throws IOException {
    for (String reply : List.of("{\"token\": \"t\"}", "{\"token\": \"t\", \"expires_in\": 5}")) {
      BearerTokens fresh = new BearerTokens(http, clock);
      http.reply(200, reply);
      http.reply(200, reply);
      fresh.token(challenge(HUB), SCOPE, Optional.empty());
      clock.advance(49);
      fresh.token(challenge(HUB), SCOPE, Optional.empty());
      assertEquals(1, http.requests.size(), reply);
      clock.advance(2);
      fresh.token(challenge(HUB), SCOPE, Optional.empty());
      assertEquals(2, http.requests.size(), reply);
      http.requests.clear();
    }
  }

  @Test
  void issuedAtCountsWhenItAgreesWithOurClock() throws IOException {
    // issued 100 s ago with 300 s to live: 200 s left, fetched again after 190
    http.reply(
        200, "{\"token\": \"t1\", \"expires_in\": 300, \"issued_at\": \"2024-05-01T11:58:20Z\"}");
    http.reply(200, "{\"token\": \"t2\", \"expires_in\": 300}");
    hubToken(Optional.empty());
    clock.advance(189);
    assertEquals("t1", hubToken(Optional.empty()));
    clock.advance(2);
    assertEquals("t2", hubToken(Optional.empty()));
  }

  @Test
  void issuedAtFromAClockAheadOrFarBehindIsIgnored() throws IOException {
    // ahead by 5 minutes (with an offset), ahead by 2 hours, long past, unreadable: our clock rules
    for (String issued :
        List.of(
            "2024-05-01T13:05:00+01:00",
            "2024-05-01T14:00:00Z",
            "1999-01-01T00:00:00Z",
            "yesterday")) {
      BearerTokens fresh = new BearerTokens(http, clock);
      http.reply(
          200, "{\"token\": \"t1\", \"expires_in\": 300, \"issued_at\": \"" + issued + "\"}");
      http.reply(200, "{\"token\": \"t2\", \"expires_in\": 300}");
      fresh.token(challenge(HUB), SCOPE, Optional.empty());
      clock.advance(280);
      assertEquals("t1", fresh.token(challenge(HUB), SCOPE, Optional.empty()), issued);
      clock.advance(11);
      assertEquals("t2", fresh.token(challenge(HUB), SCOPE, Optional.empty()), issued);
      assertEquals(2, http.requests.size(), issued);
      http.requests.clear();
    }
  }

  @Test
  void anInvalidatedTokenIsFetchedAnew() throws IOException {
    http.reply(200, "{\"token\": \"t1\", \"expires_in\": 300}");
    http.reply(200, "{\"token\": \"t2\", \"expires_in\": 300}");
    assertEquals("t1", hubToken(Optional.empty()));
    tokens.invalidate("not-a-cached-token");
    assertEquals("t1", hubToken(Optional.empty()));
    tokens.invalidate("t1");
    assertEquals("t2", hubToken(Optional.empty()));
    tokens.invalidate("t1"); // a late second refusal of t1 leaves t2 alone
    assertEquals("t2", hubToken(Optional.empty()));
    assertEquals(2, http.requests.size());
  }

  // --- failures

  @Test
  void refusedCredentialsAreNamedButTheSecretIsNot() {
    http.reply(401, "{\"details\": \"incorrect username or password\"}");
    RegistryAuthException e =
        assertThrows(
            RegistryAuthException.class,
            () ->
                tokens.token(
                    challenge(HUB),
                    "repository:library/x:pull",
                    found(
                        new Credentials("bob", "hunter2"), "auth file /root/.docker/config.json")));
    assertEquals(
        "token service auth.docker.io refused repository:library/x:pull (HTTP 401) with"
            + " credentials from auth file /root/.docker/config.json (user bob):"
            + " incorrect username or password",
        e.getMessage());
    assertEquals(401, e.status());
  }

  @Test
  void aRefusalOfAnonymousAccessSaysSo() {
    http.reply(403, "<html>forbidden</html>");
    RegistryAuthException e =
        assertThrows(RegistryAuthException.class, () -> hubToken(Optional.empty()));
    assertEquals(
        "token service auth.docker.io refused "
            + SCOPE
            + " (HTTP 403) with no credentials"
            + " (anonymous)",
        e.getMessage());
    assertEquals(403, e.status());
  }

  @Test
  void aSecretEchoedByTheServerIsBlankedOut() {
    http.reply(
        401,
        "{\"errors\": [{\"code\": \"UNAUTHORIZED\", \"message\": \"bad refresh token r-123\"}]}");
    RegistryAuthException e =
        assertThrows(
            RegistryAuthException.class,
            () -> hubToken(found(Credentials.identityToken("r-123"), "credential helper x")));
    assertTrue(e.getMessage().endsWith("(identity token): bad refresh token ***"), e.getMessage());
    assertFalse(e.getMessage().contains("r-123"), e.getMessage());
  }

  @Test
  void anErrorStatusNamesTheServiceAndStatus() {
    http.reply(503, "{\"error\": \"temporarily_unavailable\"}");
    RegistryAuthException e =
        assertThrows(RegistryAuthException.class, () -> hubToken(Optional.empty()));
    assertEquals(
        "token service auth.docker.io answered HTTP 503 for "
            + SCOPE
            + " with no credentials (anonymous): temporarily_unavailable",
        e.getMessage());
    assertEquals(503, e.status());
  }

  @Test
  void aReplyWithoutATokenNamesTheRealm() {
    http.reply(200, "{\"tokne\": \"typo\", \"expires_in\": 60}");
    RegistryAuthException e =
        assertThrows(RegistryAuthException.class, () -> hubToken(Optional.empty()));
    assertEquals(
        "token service auth.docker.io (realm https://auth.docker.io/token) answered no token for "
            + SCOPE
            + " (neither \"token\" nor \"access_token\")",
        e.getMessage());
    assertEquals(-1, e.status());
  }

  @Test
  void aReplyThatIsNoJsonIsNotQuoted() {
    http.reply(200, "token=abcdef-secret");
    RegistryAuthException e =
        assertThrows(RegistryAuthException.class, () -> hubToken(Optional.empty()));
    assertTrue(e.getMessage().contains("realm https://auth.docker.io/token"), e.getMessage());
    assertFalse(e.getMessage().contains("abcdef"), e.getMessage());
  }

  @Test
  void aTokenThatWouldBreakTheHeaderIsRefused() {
    http.reply(200, "{\"token\": \"abc\\r\\nX-Injected: 1\"}");
    RegistryAuthException e =
        assertThrows(RegistryAuthException.class, () -> hubToken(Optional.empty()));
    assertTrue(e.getMessage().contains("no HTTP header can carry"), e.getMessage());
    assertFalse(e.getMessage().contains("Injected"), e.getMessage());
  }

  @Test
  void aFailureIsNotCached() throws IOException {
    http.reply(500, "{}");
    http.reply(200, "{\"token\": \"t1\"}");
    assertThrows(RegistryAuthException.class, () -> hubToken(Optional.empty()));
    assertEquals("t1", hubToken(Optional.empty()));
  }

  @Test
  void challengesWithoutAUsableRealmAreRefused() {
    assertThrows(
        IllegalArgumentException.class,
        () -> tokens.token(challenge("Basic realm=\"x\""), SCOPE, Optional.empty()));
    for (String header :
        List.of("Bearer service=\"s\"", "Bearer realm=\"/token\"", "Bearer realm=\"ftp://a/t\"")) {
      RegistryAuthException e =
          assertThrows(
              RegistryAuthException.class,
              () -> tokens.token(challenge(header), SCOPE, Optional.empty()),
              header);
      assertTrue(e.getMessage().startsWith("the registry's Bearer"), e.getMessage());
    }
    assertEquals(List.of(), http.requests);
  }

  @Test
  void transportFailuresPassThrough() {
    IOException boom = new IOException("connect timed out");
    BearerTokens failing =
        new BearerTokens(
            (method, uri, headers, body) -> {
              throw boom;
            },
            clock);
    assertEquals(
        boom,
        assertThrows(
            IOException.class, () -> failing.token(challenge(HUB), SCOPE, Optional.empty())));
  }

  @Test
  void replyHeadersAreKeptByLowerCaseName() {
    Map<String, List<String>> raw = new java.util.HashMap<>();
    raw.put(null, List.of("HTTP/1.1 200 OK"));
    raw.put("Content-Type", List.of("application/json"));
    TokenHttp.Reply r = new TokenHttp.Reply(200, raw, null);
    assertEquals(Map.of("content-type", List.of("application/json")), r.headers());
    assertEquals(0, r.body().length);
  }

  // --- Basic

  @Test
  void basicHeaderEncodesUserColonPassword() {
    assertEquals(
        "Basic YWxhZGRpbjpvcGVuc2VzYW1l",
        BearerTokens.basicHeader(new Credentials("aladdin", "opensesame")));
    assertEquals(
        "Basic w7xzZXI6cMOkc3M=", BearerTokens.basicHeader(new Credentials("üser", "päss")));
    assertThrows(
        IllegalArgumentException.class,
        () -> BearerTokens.basicHeader(Credentials.identityToken("t")));
  }

  @Test
  void aFetchIsSentOnceForThreadsAskingTogether() throws Exception {
    TokenHttp slow =
        (method, uri, headers, body) -> {
          try {
            Thread.sleep(200);
          } catch (InterruptedException e) {
            throw new IOException(e);
          }
          synchronized (http) {
            http.requests.add(new Request(method, uri, headers, null));
          }
          return new TokenHttp.Reply(
              200, Map.of(), "{\"token\": \"t\"}".getBytes(StandardCharsets.UTF_8));
        };
    BearerTokens shared = new BearerTokens(slow, clock);
    List<Thread> threads = new ArrayList<>();
    List<String> got = java.util.Collections.synchronizedList(new ArrayList<>());
    for (int i = 0; i < 4; i++) {
      Thread t =
          new Thread(
              () -> {
                try {
                  got.add(shared.token(challenge(HUB), SCOPE, Optional.empty()));
                } catch (IOException e) {
                  got.add(e.toString());
                }
              });
      threads.add(t);
      t.start();
    }
    for (Thread t : threads) {
      t.join(Duration.ofSeconds(10).toMillis());
    }
    assertEquals(List.of("t", "t", "t", "t"), got);
    assertEquals(1, http.requests.size());
  }
}
