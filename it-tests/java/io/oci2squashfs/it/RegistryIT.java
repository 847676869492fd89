package io.oci2squashfs.it;

import static io.oci2squashfs.testing.LayerBuilder.layer;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.oci2squashfs.it.registry.FaultProxy;
import io.oci2squashfs.it.registry.LocalRegistry;
import io.oci2squashfs.it.registry.LoggedRequest;
import io.oci2squashfs.layer.MediaTypes;
import io.oci2squashfs.testing.ImageLayoutBuilder;
import io.oci2squashfs.testing.LayerBuilder;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code docker://} images from a real registry (the CNCF distribution server, {@code
 * docker-registry}, on 127.0.0.1), seeded with skopeo, and through {@link FaultProxy} where the
 * real server cannot play the part: a token service, 429 and 503, a blob cut off half-way, a
 * redirect to another host, tokens that expire. Every conversion must give what converting the same
 * image from disk gives, byte for byte ({@code --reproducible}), and the kitchen-sink image must
 * equal {@code umoci unpack} of it. The CLI runs as a separate process, as a pipeline runs it, with
 * an environment of the test's own (its cache, auth files and credential helpers).
 */
class RegistryIT {
  private static final Path JAR = Path.of("target/oci2squashfs.jar").toAbsolutePath();
  private static final String LAYER = MediaTypes.OCI_LAYER_GZIP;
  private static final ObjectMapper JSON = new ObjectMapper();

  @TempDir static Path shared;
  @TempDir Path tmp;

  private static LocalRegistry registry;
  private static Path kitchen; // an OCI layout tagged latest
  private static Path kitchenFromDisk; // its conversion from disk, --reproducible
  private static Path bigLayered; // several layers of a few MiB, for cuts, throttling and signals

  @BeforeAll
  static void start() throws Exception {
    Tools.require("docker-registry", "skopeo", "umoci", "mksquashfs", "unsquashfs", "openssl");
    registry = LocalRegistry.start();
    kitchen = layout(OracleImages.kitchenSink(), shared.resolve("kitchen"));
    registry.push("oci:" + kitchen + ":latest", "kitchen:latest");
    List<LayerBuilder> big = new ArrayList<>();
    for (int i = 0; i < 4; i++) {
      big.add(randomFiles(i, 3 << 20));
    }
    bigLayered = layout(big, shared.resolve("big"));
    registry.push("oci:" + bigLayered + ":latest", "big:latest");
    kitchenFromDisk = shared.resolve("kitchen-disk.squashfs");
    Run r =
        cli(
            shared,
            Map.of(),
            "convert",
            "-i",
            kitchen.toString(),
            "-o",
            kitchenFromDisk.toString(),
            "--reproducible");
    assertEquals(0, r.code, r.err);
  }

  @AfterAll
  static void stop() {
    if (registry != null) {
      registry.close();
    }
  }

  // ---- the image arrives whole and exact

  @Test
  void aRegistryImageConvertsExactlyAsFromDiskAndAsUmociUnpacksIt() throws Exception {
    Path out = tmp.resolve("k.squashfs");
    Run r = convert(registry.hostPort() + "/kitchen:latest", out, "--json");
    assertEquals(0, r.code, r.err);
    assertArrayEquals(Files.readAllBytes(kitchenFromDisk), Files.readAllBytes(out));
    TreeSnapshot.assertSame(
        TreeSnapshot.ofDirectory(OracleIT.umociUnpack(kitchen, "latest", tmp)),
        TreeSnapshot.ofSquashfs(out, tmp.resolve("ours")),
        "kitchen sink from the registry");
    JsonNode pull = JSON.readTree(r.out).path("pull");
    assertEquals(
        "docker://" + registry.hostPort() + "/kitchen:latest", pull.path("reference").asText());
    assertTrue(pull.path("blobsDownloaded").asInt() > 0, r.out);
    assertEquals(0, pull.path("blobsFromCache").asInt(), r.out);
  }

  @Test
  void aSecondConversionDownloadsNoBlobAndTheCacheIsALayoutOtherToolsRead() throws Exception {
    try (FaultProxy proxy = FaultProxy.start(registry.hostPort())) {
      String ref = proxy.hostPort() + "/kitchen:latest";
      assertEquals(0, convert(ref, tmp.resolve("1.squashfs")).code);
      long firstBlobs = proxy.requests().stream().filter(LoggedRequest::isBlobGet).count();
      assertTrue(firstBlobs >= 3, "blob requests: " + proxy.requests());
      proxy.clearRequests();
      Run second = convert(ref, tmp.resolve("2.squashfs"), "--json");
      assertEquals(0, second.code, second.err);
      List<LoggedRequest> blobGets =
          proxy.requests().stream().filter(LoggedRequest::isBlobGet).toList();
      assertEquals(List.of(), blobGets, "the second run downloaded blobs");
      JsonNode pull = JSON.readTree(second.out).path("pull");
      assertEquals(0, pull.path("blobsDownloaded").asInt(), second.out);
      assertTrue(pull.path("blobsFromCache").asInt() > 0, second.out);
      assertArrayEquals(
          Files.readAllBytes(tmp.resolve("1.squashfs")),
          Files.readAllBytes(tmp.resolve("2.squashfs")));
      // the cache names the image for skopeo and umoci
      Path cache = tmp.resolve("cache");
      String name = proxy.hostPort() + "/kitchen:latest";
      String inspected = TreeSnapshot.run("skopeo", "inspect", "oci:" + cache + ":" + name);
      assertTrue(inspected.contains("\"Digest\""), inspected);
      assertTrue(
          Files.list(cache.resolve("ingest")).findAny().isEmpty(), "downloads left in ingest/");
      Run info = cli(tmp, Map.of(), "cache", "--cache", cache.toString(), "--json");
      assertTrue(JSON.readTree(info.out).path("images").toString().contains(name), info.out);
    }
  }

  @Test
  void pullWritesALayoutAndAnArchiveWithTheRegistrysDigest() throws Exception {
    String ref = registry.hostPort() + "/kitchen:latest";
    String digest =
        JSON.readTree(
                TreeSnapshot.run("skopeo", "inspect", "--tls-verify=false", "docker://" + ref))
            .path("Digest")
            .asText();
    Path dir = tmp.resolve("pulled");
    Path archive = tmp.resolve("pulled.tar");
    assertEquals(
        0,
        cli(
                tmp,
                Map.of(),
                "pull",
                "docker://" + ref,
                "-o",
                dir.toString(),
                "--tls-verify=false",
                "--cache",
                tmp.resolve("cache").toString())
            .code);
    assertEquals(
        0,
        cli(
                tmp,
                Map.of(),
                "pull",
                "docker://" + ref,
                "-o",
                archive.toString(),
                "--tls-verify=false",
                "--no-cache")
            .code);
    for (String source : List.of("oci:" + dir + ":latest", "oci-archive:" + archive)) {
      String inspected = TreeSnapshot.run("skopeo", "inspect", source);
      assertEquals(digest, JSON.readTree(inspected).path("Digest").asText(), source);
    }
    TreeSnapshot.assertSame(
        TreeSnapshot.ofDirectory(
            OracleIT.umociUnpack(kitchen, "latest", Files.createDirectories(tmp.resolve("a")))),
        TreeSnapshot.ofDirectory(
            OracleIT.umociUnpack(dir, "latest", Files.createDirectories(tmp.resolve("b")))),
        "pulled layout");
  }

  @Test
  void theVariantChoosesAmongArmManifests() throws Exception {
    ImageLayoutBuilder b =
        ImageLayoutBuilder.oci()
            .add(
                ImageLayoutBuilder.index(
                        ImageLayoutBuilder.manifest()
                            .platform("linux", "amd64")
                            .layer(layer().file("arch", "amd64").gzip(), LAYER),
                        ImageLayoutBuilder.manifest()
                            .platform("linux", "arm", "v6")
                            .layer(layer().file("arch", "armv6").gzip(), LAYER),
                        ImageLayoutBuilder.manifest()
                            .platform("linux", "arm", "v7")
                            .layer(layer().file("arch", "armv7").gzip(), LAYER))
                    .tag("latest"));
    Path multi = b.writeTo(tmp.resolve("multi"));
    // every platform: skopeo copies the host's alone without --all
    TreeSnapshot.run(
        "skopeo",
        "copy",
        "--all",
        "--dest-tls-verify=false",
        "oci:" + multi + ":latest",
        "docker://" + registry.hostPort() + "/multi:latest");
    // every platform pulled: the index kept byte for byte, every blob there for skopeo --all
    Path all = tmp.resolve("all");
    Run pulled =
        cli(
            tmp,
            Map.of(),
            "pull",
            "docker://" + registry.hostPort() + "/multi:latest",
            "-o",
            all.toString(),
            "--all-platforms",
            "--tls-verify=false",
            "--no-cache");
    assertEquals(0, pulled.code, pulled.err);
    String servedIndex =
        TreeSnapshot.run(
            "skopeo",
            "inspect",
            "--raw",
            "--tls-verify=false",
            "docker://" + registry.hostPort() + "/multi:latest");
    assertEquals(
        servedIndex, TreeSnapshot.run("skopeo", "inspect", "--raw", "oci:" + all + ":latest"));
    TreeSnapshot.run(
        "skopeo", "copy", "--all", "oci:" + all + ":latest", "oci:" + tmp.resolve("copy") + ":x");
    for (String variant : List.of("v6", "v7")) {
      Path out = tmp.resolve(variant + ".tar");
      Run r =
          convert(registry.hostPort() + "/multi:latest", out, "--platform", "linux/arm/" + variant);
      assertEquals(0, r.code, r.err);
      String tar = new String(Files.readAllBytes(out), StandardCharsets.ISO_8859_1);
      assertTrue(
          tar.contains("arm" + variant),
          variant + ": got " + (tar.contains("armv6") ? "armv6" : "another"));
    }
  }

  @Test
  void verifyComparesWithARegistryImageUnpackedByUmoci() throws Exception {
    String ref = "docker://" + registry.hostPort() + "/kitchen:latest";
    Run same =
        cli(
            tmp,
            Map.of(),
            "verify",
            "-s",
            kitchenFromDisk.toString(),
            "--image",
            ref,
            "--tls-verify=false",
            "--no-cache");
    assertEquals(0, same.code, same.out + same.err);
    assertTrue(same.out.startsWith("equal"), same.out);
    Path other = tmp.resolve("other.squashfs");
    assertEquals(
        0, cli(tmp, Map.of(), "convert", "-i", "examples/demo-image", "-o", other.toString()).code);
    Run differs =
        cli(
            tmp,
            Map.of(),
            "verify",
            "-s",
            other.toString(),
            "--image",
            ref,
            "--tls-verify=false",
            "--no-cache");
    assertEquals(3, differs.code, differs.out + differs.err);
  }

  @Test
  void aDigestReferenceIsCheckedAgainstTheManifest() throws Exception {
    String digest =
        JSON.readTree(
                TreeSnapshot.run(
                    "skopeo",
                    "inspect",
                    "--tls-verify=false",
                    "docker://" + registry.hostPort() + "/kitchen:latest"))
            .path("Digest")
            .asText();
    Path out = tmp.resolve("d.squashfs");
    assertEquals(0, convert(registry.hostPort() + "/kitchen@" + digest, out).code);
    assertArrayEquals(Files.readAllBytes(kitchenFromDisk), Files.readAllBytes(out));
    String absent = "sha256:" + "0".repeat(64);
    Run r = convert(registry.hostPort() + "/kitchen@" + absent, tmp.resolve("x.squashfs"));
    assertEquals(1, r.code);
    assertTrue(r.err.contains("manifest " + absent) && r.err.contains("HTTP 404"), r.err);
    assertFalse(Files.exists(tmp.resolve("x.squashfs")));
  }

  // ---- authentication

  @Test
  void bearerTokensAnonymousAndWithCredentialsAndRefreshedWhenTheyExpire() throws Exception {
    try (FaultProxy proxy = FaultProxy.start(registry.hostPort())) {
      proxy.requireBearer(null, null);
      Path out = tmp.resolve("anon.squashfs");
      assertEquals(0, convert(proxy.hostPort() + "/kitchen:latest", out).code);
      assertArrayEquals(Files.readAllBytes(kitchenFromDisk), Files.readAllBytes(out));

      proxy.requireBearer("bob", "pa55word").tokenLifetime(Duration.ofSeconds(1)).throttle(4 << 20);
      Run refused =
          convert(proxy.hostPort() + "/big:latest", tmp.resolve("no.squashfs"), "--no-cache");
      assertEquals(1, refused.code);
      assertTrue(refused.err.contains("anonymous") && refused.err.contains("401"), refused.err);
      Run wrong =
          convert(
              proxy.hostPort() + "/big:latest",
              tmp.resolve("no.squashfs"),
              "--creds",
              "bob:wrong-secret");
      assertEquals(1, wrong.code);
      assertTrue(wrong.err.contains("user bob"), wrong.err);
      assertFalse(wrong.err.contains("wrong-secret"), wrong.err);
      assertFalse(Files.exists(tmp.resolve("no.squashfs")));

      // 12 MiB at 4 MiB/s outlasts several one-second tokens
      Path big = tmp.resolve("big.squashfs");
      Run r = convert(proxy.hostPort() + "/big:latest", big, "--creds", "bob:pa55word", "--json");
      assertEquals(0, r.code, r.err);
      assertFalse(r.out.contains("pa55word") || r.err.contains("pa55word"));
      Path fromDisk = tmp.resolve("big-disk.squashfs");
      assertEquals(
          0,
          cli(
                  tmp,
                  Map.of(),
                  "convert",
                  "-i",
                  bigLayered.toString(),
                  "-o",
                  fromDisk.toString(),
                  "--reproducible")
              .code);
      assertArrayEquals(Files.readAllBytes(fromDisk), Files.readAllBytes(big));
      long tokenRequests = proxy.requests().stream().filter(q -> q.path().equals("/token")).count();
      assertTrue(tokenRequests >= 2, "tokens fetched: " + tokenRequests);
    }
  }

  @Test
  void basicAuthWithAnAuthFileADockerConfigAndACredentialHelper() throws Exception {
    try (LocalRegistry locked = LocalRegistry.startWithBasicAuth("alice", "0pen-sesame")) {
      locked.push("oci:" + kitchen + ":latest", "kitchen:latest");
      String ref = locked.hostPort() + "/kitchen:latest";
      String auth =
          Base64.getEncoder().encodeToString("alice:0pen-sesame".getBytes(StandardCharsets.UTF_8));

      Path authFile = tmp.resolve("auth.json");
      Files.writeString(
          authFile, "{\"auths\":{\"" + locked.hostPort() + "\":{\"auth\":\"" + auth + "\"}}}");
      Run viaAuthFile = convert(ref, tmp.resolve("a.squashfs"), "--authfile", authFile.toString());
      assertEquals(0, viaAuthFile.code, viaAuthFile.err);
      assertArrayEquals(
          Files.readAllBytes(kitchenFromDisk), Files.readAllBytes(tmp.resolve("a.squashfs")));

      // docker's config.json names a credential helper for this registry
      Path dockerConfig = Files.createDirectories(tmp.resolve("docker"));
      Files.writeString(
          dockerConfig.resolve("config.json"),
          "{\"credHelpers\":{\"" + locked.hostPort() + "\":\"oci2sqtest\"}}");
      Path bin = Files.createDirectories(tmp.resolve("bin"));
      Path helper = bin.resolve("docker-credential-oci2sqtest");
      Files.writeString(
          helper,
          "#!/bin/sh\n"
              + "[ \"$1\" = get ] || exit 2\n"
              + "read -r server\n"
              + "echo \"$server\" > "
              + tmp.resolve("asked")
              + "\n"
              + "printf '{\"ServerURL\":\"%s\",\"Username\":\"alice\",\"Secret\":\"0pen-sesame\"}'"
              + " \"$server\"\n");
      Files.setPosixFilePermissions(helper, PosixFilePermissions.fromString("rwxr-xr-x"));
      Map<String, String> env =
          Map.of(
              "DOCKER_CONFIG", dockerConfig.toString(), "PATH", bin + ":" + System.getenv("PATH"));
      Path viaHelper = tmp.resolve("h.squashfs");
      Run r =
          cli(
              tmp,
              env,
              "convert",
              "-i",
              "docker://" + ref,
              "-o",
              viaHelper.toString(),
              "--tls-verify=false",
              "--reproducible",
              "--no-cache",
              "-v");
      assertEquals(0, r.code, r.err);
      assertEquals(locked.hostPort(), Files.readString(tmp.resolve("asked")).strip());
      assertFalse(r.err.contains("0pen-sesame"), r.err);
      assertArrayEquals(Files.readAllBytes(kitchenFromDisk), Files.readAllBytes(viaHelper));

      Run none = convert(ref, tmp.resolve("n.squashfs"), "--no-cache");
      assertEquals(1, none.code);
      assertTrue(
          none.err.contains("registry " + locked.hostPort()) && none.err.contains("401"), none.err);
    }
  }

  @Test
  void aRegistryWithItsOwnCaIsTrustedThroughCertDirOrNotCheckedAtAll() throws Exception {
    Path certs = Files.createDirectories(tmp.resolve("certs"));
    TreeSnapshot.run(
        "openssl",
        "req",
        "-x509",
        "-newkey",
        "rsa:2048",
        "-nodes",
        "-days",
        "2",
        "-subj",
        "/CN=127.0.0.1",
        "-addext",
        "subjectAltName=IP:127.0.0.1",
        "-keyout",
        certs.resolve("key.pem").toString(),
        "-out",
        certs.resolve("ca.crt").toString());
    int port;
    try (java.net.ServerSocket s = new java.net.ServerSocket(0)) {
      port = s.getLocalPort();
    }
    Path config = tmp.resolve("tls.yml");
    Files.writeString(
        config,
        "version: 0.1\nlog:\n  level: error\nstorage:\n  filesystem:\n    rootdirectory: "
            + tmp.resolve("tlsdata")
            + "\nhttp:\n  addr: 127.0.0.1:"
            + port
            + "\n  tls:\n    certificate: "
            + certs.resolve("ca.crt")
            + "\n    key: "
            + certs.resolve("key.pem")
            + "\n");
    Process server =
        new ProcessBuilder("docker-registry", "serve", config.toString())
            .redirectErrorStream(true)
            .redirectOutput(tmp.resolve("tls.log").toFile())
            .start();
    try {
      String host = "127.0.0.1:" + port;
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
      while (true) {
        try (java.net.Socket s = new java.net.Socket("127.0.0.1", port)) {
          break;
        } catch (IOException e) {
          assertTrue(System.nanoTime() < deadline, "the TLS registry did not start");
          Thread.sleep(50);
        }
      }
      TreeSnapshot.run(
          "skopeo",
          "copy",
          "--insecure-policy",
          "--dest-tls-verify=false",
          "oci:" + kitchen + ":latest",
          "docker://" + host + "/kitchen:latest");
      String ref = "docker://" + host + "/kitchen:latest";
      Run untrusted = cli(tmp, Map.of(), "info", ref, "--no-cache");
      assertEquals(1, untrusted.code);
      assertTrue(
          untrusted.err.contains("TLS") && untrusted.err.contains("--cert-dir"), untrusted.err);
      Path out = tmp.resolve("tls.squashfs");
      Run trusted =
          cli(
              tmp,
              Map.of(),
              "convert",
              "-i",
              ref,
              "-o",
              out.toString(),
              "--reproducible",
              "--no-cache",
              "--cert-dir",
              certs.toString());
      assertEquals(0, trusted.code, trusted.err);
      assertArrayEquals(Files.readAllBytes(kitchenFromDisk), Files.readAllBytes(out));
      Run unchecked = cli(tmp, Map.of(), "info", ref, "--no-cache", "--tls-verify=false");
      assertEquals(0, unchecked.code, unchecked.err);
    } finally {
      server.destroy();
      server.waitFor(5, TimeUnit.SECONDS);
      server.destroyForcibly();
    }
  }

  // ---- faults

  @Test
  void tooManyRequestsAndUnavailableAreAskedAgain() throws Exception {
    try (FaultProxy proxy = FaultProxy.start(registry.hostPort())) {
      proxy.tooManyRequests(2, 1);
      Path out = tmp.resolve("429.squashfs");
      long t0 = System.nanoTime();
      Run r = convert(proxy.hostPort() + "/kitchen:latest", out);
      assertEquals(0, r.code, r.err);
      assertTrue(System.nanoTime() - t0 >= 2_000_000_000L, "Retry-After: 1 was not waited for");
      assertArrayEquals(Files.readAllBytes(kitchenFromDisk), Files.readAllBytes(out));
      assertEquals(2, proxy.requests().stream().filter(q -> q.status() == 429).count());

      proxy.serviceUnavailable(2);
      Run again =
          convert(proxy.hostPort() + "/kitchen:latest", tmp.resolve("503.squashfs"), "--no-cache");
      assertEquals(0, again.code, again.err);

      proxy.serviceUnavailable(100);
      Run fails =
          convert(
              proxy.hostPort() + "/kitchen:latest", tmp.resolve("never.squashfs"), "--no-cache");
      assertEquals(1, fails.code);
      assertTrue(
          fails.err.contains("HTTP 503") && fails.err.contains("registry " + proxy.hostPort()),
          fails.err);
      assertFalse(Files.exists(tmp.resolve("never.squashfs")));
    }
  }

  @Test
  void aBlobCutOffHalfWayResumesFromItsLastByte() throws Exception {
    try (FaultProxy proxy = FaultProxy.start(registry.hostPort())) {
      proxy.cutBlobs(1 << 20, 3);
      Path out = tmp.resolve("cut.squashfs");
      Run r = convert(proxy.hostPort() + "/big:latest", out, "--no-cache");
      assertEquals(0, r.code, r.err);
      Path fromDisk = tmp.resolve("big-disk.squashfs");
      assertEquals(
          0,
          cli(
                  tmp,
                  Map.of(),
                  "convert",
                  "-i",
                  bigLayered.toString(),
                  "-o",
                  fromDisk.toString(),
                  "--reproducible")
              .code);
      assertArrayEquals(Files.readAllBytes(fromDisk), Files.readAllBytes(out));
      // (a range from byte 0 is the root probe's look at a layer's first entry)
      List<LoggedRequest> ranged =
          proxy.requests().stream()
              .filter(q -> q.isBlobGet() && q.range() != null && !q.range().startsWith("bytes=0-"))
              .toList();
      assertEquals(3, proxy.requests().stream().filter(LoggedRequest::cut).count());
      // the config (under 1 MiB) is whole before its cut; the layer blobs resume from 1 MiB on
      assertTrue(
          ranged.stream().map(LoggedRequest::path).distinct().count() >= 2,
          "no Range request resumed: " + proxy.requests());
      assertTrue(
          ranged.stream()
              .allMatch(
                  q ->
                      Long.parseLong(q.range().replaceAll("bytes=(\\d+)-.*", "$1")) % (1 << 20)
                          == 0),
          ranged.toString());
      assertTrue(r.err.contains("resuming"), r.err);
    }
  }

  @Test
  void aRedirectToBlobStorageGetsNoAuthorization() throws Exception {
    try (FaultProxy proxy = FaultProxy.start(registry.hostPort())) {
      proxy.requireBearer("bob", "pa55word").redirectBlobs(true);
      Path out = tmp.resolve("redirected.squashfs");
      Run r = convert(proxy.hostPort() + "/kitchen:latest", out, "--creds", "bob:pa55word");
      assertEquals(0, r.code, r.err);
      assertArrayEquals(Files.readAllBytes(kitchenFromDisk), Files.readAllBytes(out));
      assertTrue(
          proxy.requests().stream().anyMatch(q -> q.host().equals(proxy.redirectHostPort())),
          "nothing was redirected: " + proxy.requests());
      assertFalse(proxy.authorizationSeenOnRedirectHost(), "Authorization went to the other host");
    }
  }

  @Test
  void missingImagesAndUnreachableRegistriesSayWhatWasAsked() throws Exception {
    Run tag = convert(registry.hostPort() + "/kitchen:nope", tmp.resolve("o.squashfs"));
    assertEquals(1, tag.code);
    assertTrue(
        tag.err.contains("registry " + registry.hostPort() + ", repository kitchen: manifest nope"),
        tag.err);
    assertTrue(tag.err.contains("HTTP 404"), tag.err);
    Run repo = convert(registry.hostPort() + "/nothing/here:v1", tmp.resolve("o.squashfs"));
    assertTrue(
        repo.err.contains("repository nothing/here") && repo.err.contains("HTTP 404"), repo.err);
    Run closed =
        cli(
            tmp,
            Map.of(),
            "convert",
            "-i",
            "docker://127.0.0.1:1/x:y",
            "-o",
            tmp.resolve("o.squashfs").toString());
    assertEquals(1, closed.code);
    assertTrue(
        closed.err.contains("registry 127.0.0.1:1") && closed.err.contains("cannot connect"),
        closed.err);
    Run tls = cli(tmp, Map.of(), "info", "docker://" + registry.hostPort() + "/kitchen:latest");
    assertEquals(1, tls.code);
    assertTrue(tls.err.contains("TLS") && tls.err.contains("--tls-verify=false"), tls.err);
    for (Run r : List.of(tag, repo, closed, tls)) {
      assertFalse(r.err.contains("\tat "), "a stack trace: " + r.err);
      assertEquals(
          1, r.err.strip().lines().filter(l -> l.startsWith("oci2squashfs: error")).count(), r.err);
    }
    assertFalse(Files.exists(tmp.resolve("o.squashfs")));
  }

  @Test
  void aSignalWhileDownloadingLeavesNoOutputAndNoDownload() throws Exception {
    try (FaultProxy proxy = FaultProxy.start(registry.hostPort())) {
      proxy.throttle(1 << 20); // 12 MiB: ten seconds and more
      Path out = tmp.resolve("sig.squashfs");
      Path cache = tmp.resolve("sigcache");
      List<String> cmd =
          command(
              "convert",
              "-i",
              "docker://" + proxy.hostPort() + "/big:latest",
              "-o",
              out.toString(),
              "--tls-verify=false",
              "--cache",
              cache.toString());
      ProcessBuilder pb =
          new ProcessBuilder(cmd)
              .redirectErrorStream(true)
              .redirectOutput(tmp.resolve("sig.log").toFile());
      environment(pb, tmp, Map.of());
      Process p = pb.start();
      try {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        while (!hasPartialDownload(cache) && System.nanoTime() < deadline) {
          Thread.sleep(50);
        }
        assertTrue(hasPartialDownload(cache), "no download started");
        Thread.sleep(500);
        long t0 = System.nanoTime();
        new ProcessBuilder("kill", "-TERM", Long.toString(p.pid())).start().waitFor();
        assertTrue(p.waitFor(5, TimeUnit.SECONDS), "still running 5 s after SIGTERM");
        long ms = (System.nanoTime() - t0) / 1_000_000;
        assertEquals(143, p.exitValue(), Files.readString(tmp.resolve("sig.log")));
        assertTrue(ms < 2000, "took " + ms + " ms to stop");
      } finally {
        p.destroyForcibly();
      }
      assertFalse(Files.exists(out));
      try (Stream<Path> left = Files.list(out.getParent())) {
        assertEquals(
            List.of(), left.filter(f -> f.getFileName().toString().startsWith(".sig")).toList());
      }
      assertFalse(hasPartialDownload(cache), "a partial download was left in the cache");
    }
  }

  // ---- helpers

  private static boolean hasPartialDownload(Path cache) throws IOException {
    Path ingest = cache.resolve("ingest");
    if (!Files.isDirectory(ingest)) {
      return false;
    }
    try (Stream<Path> files = Files.list(ingest)) {
      return files.findAny().isPresent();
    }
  }

  /** Converts {@code docker://ref} to a reproducible squashfs, with the test's cache. */
  private Run convert(String ref, Path out, String... more) throws Exception {
    List<String> args =
        new ArrayList<>(
            List.of(
                "convert",
                "-i",
                "docker://" + ref,
                "-o",
                out.toString(),
                "--tls-verify=false",
                "--reproducible"));
    args.addAll(List.of(more));
    if (!args.contains("--no-cache")) {
      args.addAll(List.of("--cache", tmp.resolve("cache").toString()));
    }
    return cli(tmp, Map.of(), args.toArray(String[]::new));
  }

  record Run(int code, String out, String err) {}

  private static List<String> command(String... args) {
    List<String> cmd =
        new ArrayList<>(
            List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-jar",
                JAR.toString()));
    cmd.addAll(List.of(args));
    return cmd;
  }

  /** A private HOME, cache and runtime directory: the machine's own credentials never count. */
  private static void environment(ProcessBuilder pb, Path dir, Map<String, String> env)
      throws IOException {
    Map<String, String> e = pb.environment();
    e.keySet()
        .removeIf(
            k ->
                k.startsWith("REGISTRY_AUTH")
                    || k.startsWith("DOCKER_")
                    || k.startsWith("XDG_")
                    || k.endsWith("_PROXY")
                    || k.endsWith("_proxy"));
    Path home = Files.createDirectories(dir.resolve("home"));
    e.put("HOME", home.toString());
    e.put("XDG_CACHE_HOME", home.resolve(".cache").toString());
    e.putAll(env);
  }

  static Run cli(Path dir, Map<String, String> env, String... args) throws Exception {
    ProcessBuilder pb = new ProcessBuilder(command(args));
    environment(pb, dir, env);
    Path out = Files.createTempFile(dir, "out", ".txt");
    Path err = Files.createTempFile(dir, "err", ".txt");
    pb.redirectOutput(out.toFile()).redirectError(err.toFile());
    Process p = pb.start();
    if (!p.waitFor(180, TimeUnit.SECONDS)) {
      p.destroyForcibly();
      throw new AssertionError(
          "oci2squashfs " + String.join(" ", args) + " still running after 180 s");
    }
    return new Run(p.exitValue(), Files.readString(out), Files.readString(err));
  }

  private static Path layout(List<LayerBuilder> layers, Path dir) throws IOException {
    ImageLayoutBuilder b = ImageLayoutBuilder.oci().tag("latest");
    Map<LayerBuilder, byte[]> blobs = new HashMap<>();
    for (LayerBuilder l : layers) {
      b.layer(blobs.computeIfAbsent(l, LayerBuilder::gzip), LAYER);
    }
    return b.writeTo(dir);
  }

  /** A layer of {@code bytes} of incompressible files. */
  private static LayerBuilder randomFiles(int seed, int bytes) {
    java.util.Random random = new java.util.Random(seed);
    LayerBuilder l = layer();
    for (int i = 0; i < 4; i++) {
      byte[] content = new byte[bytes / 4];
      random.nextBytes(content);
      l.file("layer" + seed + "/file" + i, content);
    }
    return l;
  }
}
