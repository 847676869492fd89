package io.oci2squashfs.registry.auth;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CredentialStoreTest {
  @TempDir Path tmp;
  private Path home;
  private Map<String, String> env;

  @BeforeEach
  void setUp() throws IOException {
    home = Files.createDirectories(tmp.resolve("home"));
    env = new HashMap<>();
    env.put("PATH", System.getenv("PATH"));
  }

  private CredentialStore store() {
    return CredentialStore.of(null, null, env, home);
  }

  private Optional<CredentialStore.Found> lookup(String registry, String repository)
      throws IOException {
    return store().lookup(registry, repository);
  }

  static String auth(String user, String password) {
    return Base64.getEncoder()
        .encodeToString((user + ":" + password).getBytes(StandardCharsets.UTF_8));
  }

  /** An auth file holding one {@code auths} entry per pair of key and user (password pw-USER). */
  static String authsJson(String... keysAndUsers) {
    StringBuilder sb = new StringBuilder("{\"auths\": {");
    for (int i = 0; i < keysAndUsers.length; i += 2) {
      sb.append(i == 0 ? "" : ",").append('"').append(keysAndUsers[i]).append("\": ");
      sb.append("{\"auth\": \"").append(auth(keysAndUsers[i + 1], "pw-" + keysAndUsers[i + 1]));
      sb.append("\"}");
    }
    return sb.append("}}").toString();
  }

  static Path write(Path file, String text) throws IOException {
    Files.createDirectories(file.getParent());
    return Files.writeString(file, text);
  }

  private Path dockerConfig() {
    return home.resolve(".docker/config.json");
  }

  private Path podmanConfig() {
    return home.resolve(".config/containers/auth.json");
  }

  private String user(Optional<CredentialStore.Found> f) {
    return f.orElseThrow().credentials().username();
  }

  @Test
  void foundNamesItsSourceAndUserButNotTheSecret() {
    CredentialStore.Found f =
        new CredentialStore.Found(new Credentials("bob", "hunter2"), "auth file /x/config.json");
    assertEquals("credentials from auth file /x/config.json (user bob)", f.describe());
    assertFalse(f.toString().contains("hunter2"), f.toString());
    assertTrue(f.toString().contains("bob"), f.toString());
  }

  // --- where to look, in which order

  @Test
  void explicitCredentialsWinOverEveryFile() throws IOException {
    write(dockerConfig(), authsJson("quay.io", "file-user"));
    Credentials creds = new Credentials("cli-user", "cli-pass");
    CredentialStore store = CredentialStore.of(creds, null, env, home);
    CredentialStore.Found f = store.lookup("quay.io", "a/b").orElseThrow();
    assertEquals(creds, f.credentials());
    assertEquals("--creds", f.source());
    assertEquals(List.of(), store.authFiles());
  }

  @Test
  void anAuthFileOptionIsTheOnlyFileRead() throws IOException {
    write(dockerConfig(), authsJson("quay.io", "docker-user", "ghcr.io", "docker-user"));
    Path mine = write(tmp.resolve("mine.json"), authsJson("quay.io", "mine-user"));
    env.put("REGISTRY_AUTH_FILE", write(tmp.resolve("env.json"), authsJson("x", "y")).toString());
    CredentialStore store = CredentialStore.of(null, mine, env, home);
    assertEquals("mine-user", user(store.lookup("quay.io", "a")));
    assertEquals("auth file " + mine, store.lookup("quay.io", "a").orElseThrow().source());
    assertEquals(Optional.empty(), store.lookup("ghcr.io", "a"), "docker's file is not read");
    assertEquals(List.of(mine), store.authFiles());
  }

  @Test
  void aNamedAuthFileThatDoesNotExistIsAnError() {
    Path missing = tmp.resolve("typo.json");
    CredentialException e =
        assertThrows(
            CredentialException.class,
            () -> CredentialStore.of(null, missing, env, home).lookup("quay.io", "a"));
    assertEquals("auth file " + missing + " (--authfile) does not exist", e.getMessage());

    env.put("REGISTRY_AUTH_FILE", missing.toString());
    e = assertThrows(CredentialException.class, () -> lookup("quay.io", "a"));
    assertTrue(e.getMessage().contains("$REGISTRY_AUTH_FILE"), e.getMessage());
  }

  @Test
  void registryAuthFileReplacesTheDefaultFiles() throws IOException {
    write(dockerConfig(), authsJson("ghcr.io", "docker-user"));
    Path envFile = write(tmp.resolve("env.json"), authsJson("quay.io", "env-user"));
    env.put("REGISTRY_AUTH_FILE", envFile.toString());
    assertEquals("env-user", user(lookup("quay.io", "a")));
    assertEquals(Optional.empty(), lookup("ghcr.io", "a"));
  }

  @Test
  void defaultFilesAreSearchedInContainersImageOrder() throws IOException {
    Path runtime = tmp.resolve("run");
    env.put("XDG_RUNTIME_DIR", runtime.toString());
    write(runtime.resolve("containers/auth.json"), authsJson("a.io", "runtime"));
    write(podmanConfig(), authsJson("a.io", "config", "b.io", "config"));
    write(dockerConfig(), authsJson("a.io", "docker", "b.io", "docker", "c.io", "docker"));
    assertEquals("runtime", user(lookup("a.io", "r")));
    assertEquals("config", user(lookup("b.io", "r")));
    assertEquals("docker", user(lookup("c.io", "r")));
    assertEquals(Optional.empty(), lookup("d.io", "r"));
    assertEquals(
        List.of(runtime.resolve("containers/auth.json"), podmanConfig(), dockerConfig()),
        store().authFiles());
  }

  @Test
  void xdgConfigHomeAndDockerConfigMoveTheirFiles() throws IOException {
    write(podmanConfig(), authsJson("a.io", "home-config"));
    write(dockerConfig(), authsJson("b.io", "home-docker"));
    Path xdg = tmp.resolve("xdg");
    Path docker = tmp.resolve("dockercfg");
    env.put("XDG_CONFIG_HOME", xdg.toString());
    env.put("DOCKER_CONFIG", docker.toString());
    write(xdg.resolve("containers/auth.json"), authsJson("a.io", "xdg"));
    write(docker.resolve("config.json"), authsJson("b.io", "docker-config"));
    assertEquals("xdg", user(lookup("a.io", "r")));
    assertEquals("docker-config", user(lookup("b.io", "r")));
    assertEquals(
        "auth file " + docker.resolve("config.json"), lookup("b.io", "r").orElseThrow().source());
  }

  @Test
  void missingDefaultFilesAreSkipped() throws IOException {
    env.put("XDG_RUNTIME_DIR", tmp.resolve("no-such-dir").toString());
    assertEquals(Optional.empty(), lookup("quay.io", "a"));
  }

  @Test
  void aFileWithoutAMatchPassesTheSearchOn() throws IOException {
    write(podmanConfig(), authsJson("other.io", "podman"));
    write(dockerConfig(), authsJson("quay.io", "docker"));
    assertEquals("docker", user(lookup("quay.io", "a")));
  }

  // --- keys within a file

  @Test
  void dockerHubIsFoundUnderEveryNameDockerAndPodmanWrite() throws IOException {
    for (String key :
        List.of(
            "https://index.docker.io/v1/",
            "index.docker.io",
            "registry-1.docker.io",
            "docker.io",
            "docker.io/library/debian")) {
      write(dockerConfig(), authsJson("quay.io", "not-me", key, "hub"));
      assertEquals("hub", user(lookup("docker.io", "library/debian")), key);
      assertEquals("hub", user(lookup("index.docker.io", "library/debian")), key);
    }
  }

  @Test
  void registryUrlKeysMatchTheirHost() throws IOException {
    write(
        dockerConfig(),
        authsJson("https://quay.io/", "quay", "http://reg.local:5000/v1/", "reg", "ghcr.io", "gh"));
    assertEquals("quay", user(lookup("quay.io", "a")));
    assertEquals("reg", user(lookup("reg.local:5000", "a")));
    assertEquals("gh", user(lookup("ghcr.io", "a")));
    assertEquals(Optional.empty(), lookup("reg.local", "a"), "the port is part of the key");
  }

  @Test
  void theMostSpecificNamespaceKeyWins() throws IOException {
    write(
        podmanConfig(),
        authsJson(
            "quay.io", "registry",
            "quay.io/ns", "namespace",
            "quay.io/ns/app", "repository",
            "quay.io/ns/other", "other-repo"));
    assertEquals("repository", user(lookup("quay.io", "ns/app")));
    assertEquals("namespace", user(lookup("quay.io", "ns/app2")));
    assertEquals(
        "repository", user(lookup("quay.io", "ns/app/sub")), "a repository is a namespace");
    assertEquals("registry", user(lookup("quay.io", "nsx/app")));
  }

  @Test
  void anExactRegistryKeyBeatsAUrlKey() throws IOException {
    write(dockerConfig(), authsJson("https://quay.io", "url", "quay.io", "exact"));
    assertEquals("exact", user(lookup("quay.io", "a")));
  }

  @Test
  void entriesWithoutCredentialsDoNotCount() throws IOException {
    write(
        dockerConfig(),
        "{\"auths\": {\"quay.io/ns\": {}, \"quay.io\": {\"auth\": \""
            + auth("reg", "pw")
            + "\"}, \"ghcr.io\": {\"auth\": \"\"}}}");
    assertEquals("reg", user(lookup("quay.io", "ns/app")));
    assertEquals(Optional.empty(), lookup("ghcr.io", "a"));
  }

  @Test
  void authWithoutPaddingAndUsernamePasswordFieldsAreRead() throws IOException {
    String unpadded = auth("bob", "pw1").replace("=", "");
    assertTrue(auth("bob", "pw1").endsWith("="), "the test needs a padded value");
    write(
        dockerConfig(),
        "{\"auths\": {\"a.io\": {\"auth\": \""
            + unpadded
            + "\"}, \"b.io\": {\"username\": \"carol\", \"password\": \"pw:2\"}}}");
    CredentialStore.Found a = lookup("a.io", "r").orElseThrow();
    assertEquals(new Credentials("bob", "pw1"), a.credentials());
    assertEquals(new Credentials("carol", "pw:2"), lookup("b.io", "r").orElseThrow().credentials());
  }

  @Test
  void identityTokensInAuthsAreMarked() throws IOException {
    write(
        dockerConfig(),
        "{\"auths\": {\"myacr.azurecr.io\": {\"auth\": \""
            + auth("00000000-0000-0000-0000-000000000000", "")
            + "\", \"identitytoken\": \"refresh-abc\"}}}");
    Credentials c = lookup("myacr.azurecr.io", "app").orElseThrow().credentials();
    assertTrue(c.isIdentityToken());
    assertEquals("refresh-abc", c.secret());
  }

  @Test
  void anEmptyFileHoldsNoCredentials() throws IOException {
    write(dockerConfig(), "  \n");
    assertEquals(Optional.empty(), lookup("quay.io", "a"));
  }

  // --- malformed files: errors naming the file, never quoting a secret

  @Test
  void malformedJsonNamesTheFileButNotTheTextAtFault() throws IOException {
    Path f = write(dockerConfig(), "{\"auths\": {\"quay.io\": {\"auth\": TOPSECRET}}}");
    CredentialException e = assertThrows(CredentialException.class, () -> lookup("quay.io", "a"));
    assertTrue(
        e.getMessage().startsWith("auth file " + f + ": not valid JSON (line 1"), e.getMessage());
    assertFalse(e.getMessage().contains("TOPSECRET"), e.getMessage());
    assertEquals(null, e.getCause(), "Jackson's exception would quote the text");
  }

  @Test
  void wrongShapesAreErrors() throws IOException {
    Path f = write(dockerConfig(), "[1]");
    assertEquals(
        "auth file " + f + ": not a JSON object",
        assertThrows(CredentialException.class, () -> lookup("quay.io", "a")).getMessage());
    write(dockerConfig(), "{\"auths\": []}");
    assertEquals(
        "auth file " + f + ": \"auths\" is not an object",
        assertThrows(CredentialException.class, () -> lookup("quay.io", "a")).getMessage());
    write(dockerConfig(), "{\"auths\": {\"quay.io\": {\"auth\": 42}}}");
    assertEquals(
        "auth file " + f + ": auths entry \"quay.io\": \"auth\" is not a string",
        assertThrows(CredentialException.class, () -> lookup("quay.io", "a")).getMessage());
  }

  @Test
  void badBase64IsAnErrorThatDoesNotQuoteIt() throws IOException {
    Path f = write(dockerConfig(), "{\"auths\": {\"quay.io\": {\"auth\": \"SECRET!!\"}}}");
    CredentialException e = assertThrows(CredentialException.class, () -> lookup("quay.io", "a"));
    assertEquals(
        "auth file " + f + ": auths entry \"quay.io\": \"auth\" is not valid base64",
        e.getMessage());
    String noColon =
        Base64.getEncoder().encodeToString("justasecret".getBytes(StandardCharsets.UTF_8));
    write(dockerConfig(), "{\"auths\": {\"quay.io\": {\"auth\": \"" + noColon + "\"}}}");
    e = assertThrows(CredentialException.class, () -> lookup("quay.io", "a"));
    assertFalse(e.getMessage().contains("justasecret"), e.getMessage());
    assertFalse(e.getMessage().contains(noColon), e.getMessage());
  }

  @Test
  void aMalformedEntryForAnotherRegistryDoesNotStopTheLookup() throws IOException {
    write(
        dockerConfig(),
        "{\"auths\": {\"broken.io\": {\"auth\": \"!!\"}, \"quay.io\": {\"auth\": \""
            + auth("ok", "pw")
            + "\"}}}");
    assertEquals("ok", user(lookup("quay.io", "a")));
  }

  @Test
  void aFileThatCannotBeReadIsAnError() throws IOException {
    Files.createDirectories(dockerConfig());
    CredentialException e = assertThrows(CredentialException.class, () -> lookup("quay.io", "a"));
    assertTrue(e.getMessage().startsWith("auth file " + dockerConfig() + ": cannot read it"));
  }
}
