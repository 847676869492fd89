package io.oci2squashfs.registry.auth;

import static io.oci2squashfs.registry.auth.CredentialStoreTest.authsJson;
import static io.oci2squashfs.registry.auth.CredentialStoreTest.write;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Docker credential helpers, played by shell scripts on the store's PATH. */
class CredentialHelperTest {
  @TempDir Path tmp;
  private Path home;
  private Path bin;
  private Path log;
  private Map<String, String> env;

  @BeforeEach
  void setUp() throws IOException {
    home = Files.createDirectories(tmp.resolve("home"));
    bin = Files.createDirectories(tmp.resolve("bin"));
    log = tmp.resolve("helper.log");
    env = new HashMap<>();
    env.put("PATH", bin + ":" + System.getenv("PATH"));
    env.put("HELPER_LOG", log.toString());
  }

  /**
   * Writes {@code docker-credential-NAME}: it logs its arguments and stdin to $HELPER_LOG, then
   * runs {@code body} with the server URL it read in $url.
   */
  private void helper(String name, String body) throws IOException {
    Path script = bin.resolve("docker-credential-" + name);
    Files.writeString(
        script,
        "#!/bin/sh\n"
            + "url=$(cat)\n"
            + "echo \"args=$* stdin=$url\" >> \"$HELPER_LOG\"\n"
            + body
            + "\n");
    Files.setPosixFilePermissions(script, PosixFilePermissions.fromString("rwxr-xr-x"));
  }

  /** A helper that answers only for the server URL in $EXPECT_URL, with user and secret. */
  private void answeringHelper(String name, String user, String secret) throws IOException {
    helper(
        name,
        "if [ \"$url\" != \"$EXPECT_URL\" ]; then echo \"unexpected server URL '$url'\" >&2;"
            + " exit 3; fi\n"
            + "printf '{\"ServerURL\":\"%s\",\"Username\":\""
            + user
            + "\",\"Secret\":\""
            + secret
            + "\"}' \"$url\"");
  }

  private Path dockerConfig(String json) throws IOException {
    return write(home.resolve(".docker/config.json"), json);
  }

  private CredentialStore store() {
    return CredentialStore.of(null, null, env, home);
  }

  private List<String> logLines() throws IOException {
    return Files.exists(log) ? Files.readAllLines(log) : List.of();
  }

  @Test
  void aCredHelperGetsTheRegistryOnStdinAndNoSecretAsArguments() throws IOException {
    answeringHelper("test", "helper-user", "helper-secret");
    env.put("EXPECT_URL", "quay.io");
    Path f = dockerConfig("{\"credHelpers\": {\"quay.io\": \"test\"}}");
    CredentialStore.Found found = store().lookup("quay.io", "ns/app").orElseThrow();
    assertEquals(new Credentials("helper-user", "helper-secret"), found.credentials());
    assertEquals(
        "credential helper docker-credential-test (credHelpers in " + f + ")", found.source());
    assertEquals(List.of("args=get stdin=quay.io"), logLines());
  }

  @Test
  void dockerHubIsAskedForByItsV1Url() throws IOException {
    answeringHelper("test", "hub-user", "hub-secret");
    env.put("EXPECT_URL", "https://index.docker.io/v1/");
    for (String key : List.of("docker.io", "https://index.docker.io/v1/")) {
      dockerConfig("{\"credHelpers\": {\"" + key + "\": \"test\"}}");
      Credentials c = store().lookup("docker.io", "library/debian").orElseThrow().credentials();
      assertEquals("hub-user", c.username(), key);
    }
  }

  @Test
  void credHelpersComeBeforeAuthsInTheSameFile() throws IOException {
    answeringHelper("test", "helper-user", "s");
    env.put("EXPECT_URL", "quay.io");
    dockerConfig(
        "{\"credHelpers\": {\"quay.io\": \"test\"}, \"auths\": "
            + authsJson("quay.io", "auths-user").substring("{\"auths\": ".length()));
    assertEquals(
        "helper-user", store().lookup("quay.io", "a").orElseThrow().credentials().username());
  }

  @Test
  void aCredsStoreAnswersForEmptyAuthsEntriesButNotBeforeRealOnes() throws IOException {
    answeringHelper("store", "store-user", "store-secret");
    env.put("EXPECT_URL", "quay.io");
    Path f =
        dockerConfig(
            "{\"credsStore\": \"store\", \"auths\": {\"quay.io\": {}, \"ghcr.io\": {\"auth\": \""
                + CredentialStoreTest.auth("gh-user", "pw")
                + "\"}}}");
    CredentialStore.Found found = store().lookup("quay.io", "a").orElseThrow();
    assertEquals("store-user", found.credentials().username());
    assertEquals(
        "credential helper docker-credential-store (credsStore in " + f + ")", found.source());
    assertEquals("gh-user", store().lookup("ghcr.io", "a").orElseThrow().credentials().username());
    assertEquals(1, logLines().size(), "the store is not asked for ghcr.io");
  }

  @Test
  void credentialsNotFoundMeansNoneAndTheSearchGoesOn() throws IOException {
    helper("test", "echo 'credentials not found in native keychain'\nexit 1");
    write(
        home.resolve(".config/containers/auth.json"), "{\"credHelpers\": {\"quay.io\": \"test\"}}");
    dockerConfig(authsJson("quay.io", "docker-user"));
    assertEquals(
        "docker-user", store().lookup("quay.io", "a").orElseThrow().credentials().username());
    dockerConfig("{}");
    assertEquals(Optional.empty(), store().lookup("quay.io", "a"));
    assertEquals(2, logLines().size(), "the helper ran for both lookups");
  }

  @Test
  void aFailingHelperIsAnErrorQuotingItsStderrOnOneLine() throws IOException {
    helper(
        "test",
        "echo 'some stdout'\n"
            + "echo 'gpg: decryption failed:' >&2\n"
            + "echo '  No secret key' >&2\n"
            + "exit 2");
    Path f = dockerConfig("{\"credHelpers\": {\"quay.io\": \"test\"}}");
    CredentialException e =
        assertThrows(CredentialException.class, () -> store().lookup("quay.io", "a"));
    assertEquals(
        "credential helper docker-credential-test (credHelpers in "
            + f
            + ") failed for quay.io (exit 2): gpg: decryption failed: No secret key",
        e.getMessage());
  }

  @Test
  void aMissingHelperIsAnErrorNamingItAndTheRegistry() throws IOException {
    Path f = dockerConfig("{\"credsStore\": \"nosuch\"}");
    CredentialException e =
        assertThrows(CredentialException.class, () -> store().lookup("ghcr.io", "a"));
    assertEquals(
        "credential helper docker-credential-nosuch (credsStore in "
            + f
            + ") for ghcr.io: docker-credential-nosuch not found on PATH",
        e.getMessage());
  }

  @Test
  void aHelperNameWithASlashIsRefused() throws IOException {
    dockerConfig("{\"credHelpers\": {\"quay.io\": \"../../bin/sh\"}}");
    CredentialException e =
        assertThrows(CredentialException.class, () -> store().lookup("quay.io", "a"));
    assertTrue(e.getMessage().contains("is no credential helper name"), e.getMessage());
    assertEquals(List.of(), logLines());
  }

  @Test
  void aHangingHelperIsKilledAfterTheTimeout() throws IOException {
    helper("test", "echo 'waiting for pinentry' >&2\nsleep 30\necho '{}'");
    dockerConfig("{\"credHelpers\": {\"quay.io\": \"test\"}}");
    CredentialStore store = store().withHelperTimeout(Duration.ofSeconds(1));
    long start = System.nanoTime();
    CredentialException e =
        assertThrows(CredentialException.class, () -> store.lookup("quay.io", "a"));
    long seconds = Duration.ofNanos(System.nanoTime() - start).toSeconds();
    assertTrue(
        e.getMessage().endsWith("did not answer for quay.io within 1 s: waiting for pinentry"),
        e.getMessage());
    assertTrue(seconds < 10, "took " + seconds + " s");
  }

  @Test
  void theTokenUserMeansAnIdentityToken() throws IOException {
    answeringHelper("test", "<token>", "refresh-xyz");
    env.put("EXPECT_URL", "myacr.azurecr.io");
    dockerConfig("{\"credHelpers\": {\"myacr.azurecr.io\": \"test\"}}");
    Credentials c = store().lookup("myacr.azurecr.io", "app").orElseThrow().credentials();
    assertTrue(c.isIdentityToken());
    assertEquals("refresh-xyz", c.secret());
  }

  @Test
  void garbledAnswersAreErrorsThatDoNotQuoteThem() throws IOException {
    helper("test", "echo '{\"Username\": \"bob\", \"Secret\": \"s3cr3t\"'");
    dockerConfig("{\"credHelpers\": {\"quay.io\": \"test\"}}");
    CredentialException e =
        assertThrows(CredentialException.class, () -> store().lookup("quay.io", "a"));
    assertTrue(e.getMessage().contains("not the expected JSON"), e.getMessage());
    assertFalse(e.getMessage().contains("s3cr3t"), e.getMessage());
  }

  @Test
  void anEmptyAnswerMeansNoCredentials() throws IOException {
    helper("test", "echo '{\"ServerURL\": \"quay.io\", \"Username\": \"\", \"Secret\": \"\"}'");
    dockerConfig("{\"credHelpers\": {\"quay.io\": \"test\"}}");
    assertEquals(Optional.empty(), store().lookup("quay.io", "a"));
  }

  @Test
  void aStoreAsksAHelperOncePerRepository() throws IOException {
    answeringHelper("test", "u", "s");
    env.put("EXPECT_URL", "quay.io");
    dockerConfig("{\"credHelpers\": {\"quay.io\": \"test\"}}");
    CredentialStore store = store();
    store.lookup("quay.io", "a");
    store.lookup("quay.io", "a");
    assertEquals(1, logLines().size());
    store.lookup("quay.io", "b");
    assertEquals(2, logLines().size());
  }
}
