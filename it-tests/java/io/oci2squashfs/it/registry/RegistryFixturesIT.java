package io.oci2squashfs.it.registry;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.oci2squashfs.image.Digest;
import io.oci2squashfs.image.json.Json;
import io.oci2squashfs.testing.Compress;
import io.oci2squashfs.testing.ImageLayoutBuilder;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The registry fixtures checked with real clients, skopeo and curl: a {@link LocalRegistry} holds
 * what skopeo pushes and stops cleanly, and each {@link FaultProxy} switch does to a real client
 * what it says.
 */
class RegistryFixturesIT {
  static final Path DEMO = Path.of("examples/demo-image").toAbsolutePath();
  static final String DEMO_MANIFEST =
      "sha256:2b37151de1e196bea864d61b7a21fb22a3c6dcb405fe45abee57739ef27e8bf1";
  static final String DEMO_LAYER =
      "sha256:0454c59cf5305662d9a5fb556e2d96b9b52cb08ce2f5d63ccd9f8f22d9b31163"; // 499 bytes
  static final String OCI_MANIFEST = "application/vnd.oci.image.manifest.v1+json";

  /** Every registry server a test started, to check none outlives its test. */
  static final List<Long> pids = new ArrayList<>();

  @TempDir static Path tmp;

  static LocalRegistry registry;
  static String bigLayer;
  static long bigLayerSize;

  @BeforeAll
  static void registryWithTheDemoImage() throws Exception {
    Commands.require("skopeo");
    Commands.require("curl");
    registry = started(LocalRegistry.start());
    registry.push("oci:" + DEMO + ":latest", "demo:latest");

    // gzip, as skopeo would compress a plain tar layer on the way and change its digest
    byte[] random = new byte[1 << 20];
    new Random(42).nextBytes(random);
    byte[] layer = Compress.gzip(random);
    bigLayer = Digest.sha256(layer).toString();
    bigLayerSize = layer.length;
    Path big =
        ImageLayoutBuilder.oci()
            .layer(layer, "application/vnd.oci.image.layer.v1.tar+gzip", Digest.sha256(random))
            .tag("latest")
            .writeTo(tmp.resolve("big"));
    registry.push("oci:" + big + ":latest", "big:latest");
  }

  @AfterAll
  static void nothingLeftRunning() throws Exception {
    if (registry != null) {
      registry.close();
    }
    for (long pid : pids) {
      assertFalse(
          ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false),
          "docker-registry " + pid + " still runs");
    }
  }

  // --- LocalRegistry

  @Test
  void skopeoInspectsWhatWasPushed() throws Exception {
    JsonNode inspected = inspect(registry.hostPort(), "demo:latest");

    assertEquals(DEMO_MANIFEST, inspected.get("Digest").asText());
    assertEquals(3, inspected.get("Layers").size());
  }

  @Test
  void closeStopsTheServerAndDeletesItsStorage() throws Exception {
    LocalRegistry r = started(LocalRegistry.start());
    Path dir = r.directory();
    ProcessHandle server = ProcessHandle.of(r.pid()).orElseThrow();
    assertEquals("200", curl("-s", "-o", "/dev/null", "-w", "%{http_code}", v2(r.hostPort())));

    r.close();

    assertFalse(server.isAlive());
    assertFalse(Files.exists(dir), dir + " is left");
    assertNotEquals(
        0, Commands.run("curl", "-s", "-o", "/dev/null", v2(r.hostPort())).exitCode(), "answers");
  }

  @Test
  void basicAuthRegistryWantsItsCredentials() throws Exception {
    try (LocalRegistry r = started(LocalRegistry.startWithBasicAuth("alice", "s3cret"))) {
      r.push("oci:" + DEMO + ":latest", "demo:latest");

      assertEquals(
          DEMO_MANIFEST,
          inspect(r.hostPort(), "demo:latest", "alice:s3cret").get("Digest").asText());
      Commands.Result anonymous = skopeoInspect(r.hostPort(), "demo:latest", null);
      assertNotEquals(0, anonymous.exitCode(), anonymous.output());
      assertTrue(anonymous.output().contains("authentication required"), anonymous.output());
    }
  }

  // --- FaultProxy, switches off

  @Test
  void plainProxyPassesEverythingAndKeepsConnectionsAlive() throws Exception {
    try (FaultProxy proxy = FaultProxy.start(registry.hostPort())) {
      assertEquals(DEMO_MANIFEST, inspect(proxy.hostPort(), "demo:latest").get("Digest").asText());

      Commands.Result twice =
          Commands.run(
              "curl",
              "-sv",
              "-o",
              "/dev/null",
              "-o",
              "/dev/null",
              v2(proxy.hostPort()),
              blobUrl(proxy.hostPort(), "demo", DEMO_LAYER));
      assertTrue(twice.output().contains("Re-using existing connection"), twice.output());
      assertTrue(proxy.requests().stream().anyMatch(LoggedRequest::isBlobGet));
    }
  }

  // --- authentication

  @Test
  void bearerAuthGivesSkopeoATokenThatNeverReachesTheUpstream() throws Exception {
    try (FaultProxy recorder = FaultProxy.start(registry.hostPort());
        FaultProxy proxy = FaultProxy.start(recorder.hostPort()).requireBearer("bob", "pw")) {
      JsonNode inspected = inspect(proxy.hostPort(), "demo:latest", "bob:pw");

      assertEquals(DEMO_MANIFEST, inspected.get("Digest").asText());
      List<LoggedRequest> log = proxy.requests();
      assertEquals(401, log.get(0).status(), log.toString());
      assertTrue(
          log.stream().anyMatch(r -> r.path().equals("/token") && r.status() == 200),
          log.toString());
      assertTrue(
          log.stream().anyMatch(r -> r.path().startsWith("/v2/demo/") && r.status() == 200),
          log.toString());
      assertFalse(recorder.requests().isEmpty());
      assertTrue(
          recorder.requests().stream().noneMatch(LoggedRequest::hadAuthorization),
          recorder.requests().toString());

      Commands.Result wrong = skopeoInspect(proxy.hostPort(), "demo:latest", "bob:wrong");
      assertNotEquals(0, wrong.exitCode(), wrong.output());
      assertTrue(
          proxy.requests().stream().anyMatch(r -> r.path().equals("/token") && r.status() == 401));
    }
  }

  @Test
  void anonymousTokensNeedNoCredentials() throws Exception {
    try (FaultProxy proxy = FaultProxy.start(registry.hostPort()).requireBearer(null, null)) {
      assertEquals(DEMO_MANIFEST, inspect(proxy.hostPort(), "demo:latest").get("Digest").asText());
      assertTrue(proxy.requests().stream().anyMatch(r -> r.path().equals("/token")));
    }
  }

  @Test
  void tokensExpireAndARefreshTokenBuysNewOnes() throws Exception {
    try (FaultProxy proxy =
        FaultProxy.start(registry.hostPort())
            .requireBearer("bob", "pw")
            .tokenLifetime(Duration.ofSeconds(1))
            .refreshToken("refresh-me")) {
      String host = proxy.hostPort();
      String tokenUrl = "http://" + host + "/token?service=fault-proxy&scope=repository:demo:pull";
      assertEquals("401", curl("-s", "-o", "/dev/null", "-w", "%{http_code}", tokenUrl));
      JsonNode answer = Json.MAPPER.readTree(curl("-s", "-f", "-u", "bob:pw", tokenUrl));
      assertEquals(1, answer.get("expires_in").asInt());
      String token = answer.get("token").asText();
      assertEquals(token, answer.get("access_token").asText());

      assertEquals("200", manifestStatus(host, token));
      Thread.sleep(1200);
      Commands.Result expired =
          Commands.run(
              "curl", "-s", "-i", "-H", "Authorization: Bearer " + token, manifestUrl(host));
      assertTrue(expired.output().startsWith("HTTP/1.1 401"), expired.output());
      assertTrue(
          expired
              .output()
              .contains(
                  "WWW-Authenticate: Bearer realm=\"http://"
                      + host
                      + "/token\",service=\"fault-proxy\",scope=\"repository:demo:pull\""),
          expired.output());

      String form = "service=fault-proxy&scope=repository:demo:pull&grant_type=refresh_token";
      JsonNode refreshed =
          Json.MAPPER.readTree(
              curl(
                  "-s",
                  "-f",
                  "-d",
                  form + "&refresh_token=refresh-me",
                  "http://" + host + "/token"));
      assertEquals("200", manifestStatus(host, refreshed.get("access_token").asText()));
      assertEquals(
          "400",
          curl(
              "-s",
              "-o",
              "/dev/null",
              "-w",
              "%{http_code}",
              "-d",
              form + "&refresh_token=nope",
              "http://" + host + "/token"));

      JsonNode other =
          Json.MAPPER.readTree(
              curl(
                  "-s",
                  "-f",
                  "-u",
                  "bob:pw",
                  tokenUrl.replace("repository:demo", "repository:other")));
      assertEquals(
          "401", manifestStatus(host, other.get("token").asText()), "token for another repository");
      // no token ever reaches the log: only whether there was an Authorization header
      assertTrue(proxy.requests().stream().noneMatch(r -> r.toString().contains(token)));
    }
  }

  @Test
  void basicAuthChallengesAndIsNotPassedOn() throws Exception {
    try (FaultProxy recorder = FaultProxy.start(registry.hostPort());
        FaultProxy proxy = FaultProxy.start(recorder.hostPort()).requireBasic("carol", "pw")) {
      Commands.Result challenged = Commands.run("curl", "-s", "-i", v2(proxy.hostPort()));
      assertTrue(challenged.output().startsWith("HTTP/1.1 401"), challenged.output());
      assertTrue(
          challenged.output().contains("WWW-Authenticate: Basic realm=\"fault-proxy\"\r\n"),
          challenged.output());
      Commands.Result anonymous = skopeoInspect(proxy.hostPort(), "demo:latest", null);
      assertNotEquals(0, anonymous.exitCode(), anonymous.output());

      assertEquals(
          DEMO_MANIFEST,
          inspect(proxy.hostPort(), "demo:latest", "carol:pw").get("Digest").asText());
      assertTrue(recorder.requests().stream().noneMatch(LoggedRequest::hadAuthorization));
    }
  }

  @Test
  void anUpstreamsOwnBasicAuthWorksThroughAProxyThatAsksNone() throws Exception {
    try (LocalRegistry r = started(LocalRegistry.startWithBasicAuth("alice", "s3cret"));
        FaultProxy proxy = FaultProxy.start(r.hostPort())) {
      r.push("oci:" + DEMO + ":latest", "demo:latest");

      assertEquals(
          DEMO_MANIFEST,
          inspect(proxy.hostPort(), "demo:latest", "alice:s3cret").get("Digest").asText());
      assertNotEquals(0, skopeoInspect(proxy.hostPort(), "demo:latest", null).exitCode());
    }
  }

  // --- faults

  @Test
  void tooManyRequestsSaysWhenToRetry() throws Exception {
    try (FaultProxy proxy = FaultProxy.start(registry.hostPort()).tooManyRequests(2, 1)) {
      Commands.Result first = Commands.run("curl", "-s", "-i", manifestUrl(proxy.hostPort()));
      assertTrue(first.output().startsWith("HTTP/1.1 429"), first.output());
      assertTrue(first.output().contains("Retry-After: 1\r\n"), first.output());
      assertTrue(first.output().contains("\"code\":\"TOOMANYREQUESTS\""), first.output());
      assertEquals("429", manifestStatus(proxy.hostPort(), null));
      assertEquals("200", manifestStatus(proxy.hostPort(), null));
    }
  }

  @Test
  void skopeoWaitsOutTooManyRequests() throws Exception {
    try (FaultProxy proxy = FaultProxy.start(registry.hostPort()).tooManyRequests(2, 1)) {
      long start = System.nanoTime();
      JsonNode inspected = inspect(proxy.hostPort(), "demo:latest");
      long millis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);

      assertEquals(DEMO_MANIFEST, inspected.get("Digest").asText());
      List<Integer> statuses = proxy.requests().stream().map(LoggedRequest::status).toList();
      assertEquals(List.of(429, 429, 200), statuses.subList(0, 3), statuses.toString());
      assertTrue(millis >= 1900, "skopeo honours Retry-After: 1 twice; took " + millis + " ms");
    }
  }

  @Test
  void serviceUnavailableThenServes() throws Exception {
    try (FaultProxy proxy = FaultProxy.start(registry.hostPort()).serviceUnavailable(1)) {
      Commands.Result first = Commands.run("curl", "-s", "-i", manifestUrl(proxy.hostPort()));
      assertTrue(first.output().startsWith("HTTP/1.1 503"), first.output());
      assertFalse(first.output().contains("Retry-After"), first.output());
      assertEquals("200", manifestStatus(proxy.hostPort(), null));
    }
  }

  @Test
  void aCutBlobEndsShortAndARangeRequestCompletesIt() throws Exception {
    try (FaultProxy proxy = FaultProxy.start(registry.hostPort()).cutBlobs(100, 1)) {
      String url = blobUrl(proxy.hostPort(), "demo", DEMO_LAYER);
      Path head = tmp.resolve("head");
      Path rest = tmp.resolve("rest");

      Commands.Result cut = Commands.run("curl", "-s", "-S", "-o", head.toString(), url);
      assertEquals(18, cut.exitCode(), "curl's 'partial file': " + cut.output());
      assertEquals(100, Files.size(head));
      Commands.Result resumed =
          Commands.run(
              "curl", "-s", "-S", "-r", "100-", "-w", "%{http_code}", "-o", rest.toString(), url);
      assertEquals("206", resumed.output(), resumed.output());

      byte[] whole = concat(Files.readAllBytes(head), Files.readAllBytes(rest));
      assertEquals(DEMO_LAYER, Digest.sha256(whole).toString());
      List<LoggedRequest> blobs =
          proxy.requests().stream().filter(LoggedRequest::isBlobGet).toList();
      assertEquals(2, blobs.size(), blobs.toString());
      assertTrue(blobs.get(0).cut());
      assertEquals(200, blobs.get(0).status());
      assertEquals("bytes=100-", blobs.get(1).range());
      assertEquals(206, blobs.get(1).status());
      assertFalse(blobs.get(1).cut());
    }
  }

  @Test
  void redirectedBlobsComeFromAnotherHostWithoutCredentials() throws Exception {
    try (FaultProxy proxy =
        FaultProxy.start(registry.hostPort()).requireBearer("bob", "pw").redirectBlobs(true)) {
      Path out = tmp.resolve("redirected");
      Commands.run(
              "skopeo",
              "--insecure-policy",
              "copy",
              "--src-tls-verify=false",
              "--src-creds",
              "bob:pw",
              "docker://" + proxy.hostPort() + "/demo:latest",
              "oci:" + out + ":latest")
          .orThrow();

      assertTrue(Files.exists(out.resolve("blobs/sha256/" + DEMO_LAYER.substring(7))));
      List<LoggedRequest> log = proxy.requests();
      assertTrue(
          log.stream().anyMatch(r -> r.isBlobGet() && r.status() == 307 && r.hadAuthorization()),
          log.toString());
      List<LoggedRequest> fromBlobHost =
          log.stream().filter(r -> r.host().equals(proxy.redirectHostPort())).toList();
      assertEquals(4, fromBlobHost.size(), "config and three layers: " + log);
      assertTrue(fromBlobHost.stream().allMatch(r -> r.status() == 200), log.toString());
      assertFalse(proxy.authorizationSeenOnRedirectHost());
    }
  }

  @Test
  void theRedirectHostNoticesCredentialsSentToIt() throws Exception {
    try (FaultProxy proxy =
        FaultProxy.start(registry.hostPort()).requireBasic("carol", "pw").redirectBlobs(true)) {
      String url = blobUrl(proxy.hostPort(), "demo", DEMO_LAYER);
      Path blob = tmp.resolve("followed");

      // curl keeps credentials to the first host unless told to trust every location
      curl("-s", "-f", "-L", "-u", "carol:pw", "-o", blob.toString(), url);
      assertEquals(499, Files.size(blob));
      assertFalse(proxy.authorizationSeenOnRedirectHost());

      curl("-s", "-f", "-L", "--location-trusted", "-u", "carol:pw", "-o", blob.toString(), url);
      assertTrue(proxy.authorizationSeenOnRedirectHost());

      String unsigned = blobUrl(proxy.redirectHostPort(), "demo", DEMO_LAYER);
      assertEquals("403", curl("-s", "-o", "/dev/null", "-w", "%{http_code}", unsigned));
    }
  }

  @Test
  void throttleHoldsBlobBodiesToTheRate() throws Exception {
    long rate = 512 * 1024;
    try (FaultProxy proxy = FaultProxy.start(registry.hostPort()).throttle(rate)) {
      String url = blobUrl(proxy.hostPort(), "big", bigLayer);
      double throttled = speed(url);
      assertTrue(
          throttled > rate * 0.9 && throttled < rate * 1.1,
          "measured " + (long) throttled + " B/s for a limit of " + rate);

      proxy.throttle(0);
      assertTrue(speed(url) > rate * 4, "unlimited again");
    }
  }

  @Test
  void mainRunsAProxyForTheShell() throws Exception {
    String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    Process p =
        new ProcessBuilder(
                java,
                "-cp",
                System.getProperty("java.class.path"),
                FaultProxy.class.getName(),
                "--upstream",
                registry.hostPort(),
                "--port",
                "0",
                "--rate",
                "1000000")
            .redirectError(ProcessBuilder.Redirect.DISCARD)
            .start();
    try {
      BufferedReader stdout =
          new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8));
      int port = Integer.parseInt(stdout.readLine().trim());

      assertEquals("200", manifestStatus("127.0.0.1:" + port, null));
    } finally {
      p.destroy();
      assertTrue(p.waitFor(10, TimeUnit.SECONDS), "the proxy ends on SIGTERM");
    }
  }

  // --- helpers

  static LocalRegistry started(LocalRegistry r) {
    pids.add(r.pid());
    return r;
  }

  static JsonNode inspect(String hostPort, String image) throws Exception {
    return inspect(hostPort, image, null);
  }

  static JsonNode inspect(String hostPort, String image, String creds) throws Exception {
    return Json.MAPPER.readTree(skopeoInspect(hostPort, image, creds).orThrow().output());
  }

  static Commands.Result skopeoInspect(String hostPort, String image, String creds)
      throws Exception {
    List<String> cmd = new ArrayList<>(List.of("skopeo", "inspect", "--tls-verify=false"));
    cmd.addAll(creds == null ? List.of("--no-creds") : List.of("--creds", creds));
    cmd.add("docker://" + hostPort + "/" + image);
    return Commands.run(Duration.ofMinutes(1), cmd);
  }

  static String curl(String... args) throws Exception {
    List<String> cmd = new ArrayList<>(List.of("curl"));
    cmd.addAll(Arrays.asList(args));
    return Commands.run(Duration.ofMinutes(1), cmd).orThrow().output();
  }

  /** The status of a GET of the demo manifest, with a Bearer token unless null. */
  static String manifestStatus(String hostPort, String token) throws Exception {
    List<String> args = new ArrayList<>(List.of("-s", "-o", "/dev/null", "-w", "%{http_code}"));
    args.addAll(List.of("-H", "Accept: " + OCI_MANIFEST));
    if (token != null) {
      args.addAll(List.of("-H", "Authorization: Bearer " + token));
    }
    args.add(manifestUrl(hostPort));
    return curl(args.toArray(String[]::new));
  }

  /** curl's average download speed for {@code url}, in bytes per second. */
  static double speed(String url) throws Exception {
    String[] w =
        curl("-s", "-f", "-o", "/dev/null", "-w", "%{size_download} %{speed_download}", url)
            .split(" ");
    assertEquals(bigLayerSize, Long.parseLong(w[0]));
    return Double.parseDouble(w[1]);
  }

  static String v2(String hostPort) {
    return "http://" + hostPort + "/v2/";
  }

  static String manifestUrl(String hostPort) {
    return "http://" + hostPort + "/v2/demo/manifests/latest";
  }

  static String blobUrl(String hostPort, String repository, String digest) {
    return "http://" + hostPort + "/v2/" + repository + "/blobs/" + digest;
  }

  static byte[] concat(byte[] a, byte[] b) {
    byte[] both = Arrays.copyOf(a, a.length + b.length);
    System.arraycopy(b, 0, both, a.length, b.length);
    return both;
  }
}
