package io.oci2squashfs.image.json;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Field names as the specs spell them (hand-written from the OCI image spec and Docker's {@code
 * docker save} format), so that a wrong {@code @JsonProperty} cannot hide behind a fixture writer
 * that shares it.
 */
class JsonWireTest {
  @Test
  void indexWithPlatformFieldsAndUnknownProperties() throws IOException {
    String json =
        "{\"schemaVersion\": 2, \"mediaType\": \"application/vnd.oci.image.index.v1+json\","
            + " \"manifests\": [{\"mediaType\": \"application/vnd.oci.image.manifest.v1+json\","
            + " \"digest\": \"sha256:abc\", \"size\": 7143, \"platform\": {\"architecture\":"
            + " \"amd64\", \"os\": \"windows\", \"os.version\": \"10.0.17763.1\", \"os.features\":"
            + " [\"win32k\"], \"variant\": \"v3\"}, \"annotations\":"
            + " {\"org.opencontainers.image.ref.name\": \"1.0\"}, \"urls\":"
            + " [\"https://example.com/x\"], \"artifactType\": \"application/x\", \"data\":"
            + " \"e30=\", \"future\": {\"nested\": true}}], \"annotations\": {\"a\": \"b\"},"
            + " \"subject\": null}";

    IndexJson index = Json.MAPPER.readValue(json, IndexJson.class);

    assertEquals(2, index.schemaVersion());
    assertEquals(Map.of("a", "b"), index.annotations());
    DescriptorJson d = index.manifests().get(0);
    assertEquals("sha256:abc", d.digest());
    assertEquals(7143L, d.size());
    assertEquals("1.0", d.annotation("org.opencontainers.image.ref.name"));
    assertEquals(List.of("https://example.com/x"), d.urls());
    assertEquals("application/x", d.artifactType());
    PlatformJson p = d.platform();
    assertEquals("windows", p.os());
    assertEquals("amd64", p.architecture());
    assertEquals("v3", p.variant());
    assertEquals("10.0.17763.1", p.osVersion());
    assertEquals(List.of("win32k"), p.osFeatures());
  }

  @Test
  void absentFieldsBecomeEmptyOrMarkedUnknown() throws IOException {
    DescriptorJson d = Json.MAPPER.readValue("{\"digest\": \"sha256:abc\"}", DescriptorJson.class);
    assertEquals(-1L, d.size());
    assertNull(d.mediaType());
    assertNull(d.platform());
    assertEquals(Map.of(), d.annotations());
    assertEquals(List.of(), d.urls());

    ManifestJson m = Json.MAPPER.readValue("{\"schemaVersion\": 2}", ManifestJson.class);
    assertNull(m.config());
    assertEquals(List.of(), m.layers());
  }

  @Test
  void positionalListsKeepNullsOthersDropThem() throws IOException {
    ManifestJson m =
        Json.MAPPER.readValue("{\"layers\": [null, {\"digest\": \"x\"}]}", ManifestJson.class);
    assertEquals(2, m.layers().size());
    assertNull(m.layers().get(0));

    DescriptorJson d =
        Json.MAPPER.readValue(
            "{\"urls\": [null, \"u\"], \"annotations\": {\"k\": null, \"j\": \"v\"}}",
            DescriptorJson.class);
    assertEquals(List.of("u"), d.urls());
    assertEquals(Map.of("j", "v"), d.annotations());
  }

  @Test
  void dockerSaveManifestEntry() throws IOException {
    String json =
        "[{\"Config\": \"blobs/sha256/c0\", \"RepoTags\": [\"app:1\", \"app:latest\"], \"Layers\":"
            + " [\"blobs/sha256/l0\", \"abc/layer.tar\"], \"LayerSources\": {\"sha256:d0\":"
            + " {\"mediaType\": \"application/vnd.oci.image.layer.v1.tar\", \"size\": 10,"
            + " \"digest\": \"sha256:l0\"}}}, {\"Config\": \"x.json\", \"RepoTags\": null,"
            + " \"Layers\": []}]";

    DockerManifestEntryJson[] entries =
        Json.MAPPER.readValue(json, DockerManifestEntryJson[].class);

    assertEquals(2, entries.length);
    DockerManifestEntryJson e = entries[0];
    assertEquals("blobs/sha256/c0", e.config());
    assertEquals(List.of("app:1", "app:latest"), e.repoTags());
    assertEquals(List.of("blobs/sha256/l0", "abc/layer.tar"), e.layers());
    assertEquals(
        "application/vnd.oci.image.layer.v1.tar", e.layerSources().get("sha256:d0").mediaType());
    assertEquals(List.of(), entries[1].repoTags());
    assertEquals(Map.of(), entries[1].layerSources());
  }

  @Test
  void imageConfig() throws IOException {
    String json =
        "{\"architecture\": \"arm64\", \"os\": \"linux\", \"variant\": \"v8\","
            + " \"created\": \"2024-01-01T00:00:00Z\","
            + " \"config\": {\"Entrypoint\": [\"/bin/app\"], \"Cmd\": null, \"Env\": [\"A=1\"],"
            + " \"WorkingDir\": \"/srv\", \"User\": \"1000:1000\", \"Labels\": {\"k\": \"v\"},"
            + " \"ExposedPorts\": {\"80/tcp\": {}}},"
            + " \"rootfs\": {\"type\": \"layers\", \"diff_ids\": [\"sha256:d0\", \"sha256:d1\"]},"
            + " \"history\": [{\"created\": \"2024-01-01T00:00:00Z\", \"created_by\": \"ADD x /\"},"
            + " {\"created_by\": \"ENV A=1\", \"empty_layer\": true, \"comment\": \"c\"}]}";

    ImageConfigJson c = Json.MAPPER.readValue(json, ImageConfigJson.class);

    assertEquals("arm64", c.architecture());
    assertEquals("v8", c.variant());
    assertEquals(Arrays.asList("sha256:d0", "sha256:d1"), c.diffIds());
    assertEquals(List.of("/bin/app"), c.config().entrypoint());
    assertNull(c.config().cmd(), "absent Cmd stays null, unlike []");
    assertEquals(List.of("A=1"), c.config().env());
    assertEquals("/srv", c.config().workingDir());
    assertEquals("1000:1000", c.config().user());
    assertEquals(Map.of("k", "v"), c.config().labels());
    assertEquals("ADD x /", c.history().get(0).createdBy());
    assertTrue(c.history().get(1).emptyLayer());
    assertEquals("c", c.history().get(1).comment());
  }

  @Test
  void configWithoutRootfsHasNoDiffIds() throws IOException {
    ImageConfigJson c = Json.MAPPER.readValue("{}", ImageConfigJson.class);
    assertEquals(List.of(), c.diffIds());
    assertNull(c.config());
  }

  @Test
  void ociLayout() throws IOException {
    assertEquals(
        "1.0.0",
        Json.MAPPER
            .readValue("{\"imageLayoutVersion\": \"1.0.0\"}", OciLayoutJson.class)
            .imageLayoutVersion());
  }
}
