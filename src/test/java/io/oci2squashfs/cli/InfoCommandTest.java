package io.oci2squashfs.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.oci2squashfs.image.Digest;
import io.oci2squashfs.image.json.Json;
import io.oci2squashfs.testing.ImageLayoutBuilder;
import io.oci2squashfs.testing.LayerBuilder;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class InfoCommandTest {
  static final String GZIP = "application/vnd.oci.image.layer.v1.tar+gzip";

  @TempDir Path tmp;

  static CliRun run(String... args) {
    return CliRun.of(args);
  }

  @Test
  void showsLayersAndConfigWithoutConverting() throws Exception {
    byte[] l0 = LayerBuilder.layer().file("a", "x").gzip();
    byte[] l1 = LayerBuilder.layer().file("b", "y").gzip();
    Path image =
        ImageLayoutBuilder.oci()
            .layer(l0, GZIP)
            .layer(l1, GZIP)
            .env("PATH=/bin", "LANG=C")
            .writeTo(tmp.resolve("img"));

    CliRun text = run("info", image.toString());
    assertEquals(0, text.code(), text.err());
    assertTrue(text.out().contains(Digest.sha256(l0).toString()), text.out());
    assertTrue(text.out().contains(Digest.sha256(l1).toString()), text.out());
    assertTrue(text.out().contains("layers:   2"), text.out());
    assertTrue(text.out().contains("env:        LANG=C"), text.out());

    CliRun json = run("info", "--json", image.toString());
    assertEquals(0, json.code(), json.err());
    JsonNode doc = Json.MAPPER.readTree(json.out());
    assertEquals(2, doc.get("layers").size());
    assertEquals(Digest.sha256(l1).toString(), doc.get("layers").get(1).get("digest").asText());
    assertEquals(l0.length, doc.get("layers").get(0).get("size").asLong());
    assertEquals(GZIP, doc.get("layers").get(0).get("mediaType").asText());
    assertEquals(l0.length + l1.length, doc.get("compressedSize").asLong());
    assertEquals("PATH=/bin", doc.get("imageConfig").get("env").get(0).asText());
  }

  @Test
  void listsThePlatformsAnIndexOffers() throws Exception {
    byte[] l = LayerBuilder.layer().file("a", "x").gzip();
    Path image =
        ImageLayoutBuilder.oci()
            .add(
                ImageLayoutBuilder.index(
                    ImageLayoutBuilder.manifest().layer(l, GZIP).platform("linux", "amd64"),
                    ImageLayoutBuilder.manifest().layer(l, GZIP).platform("linux", "arm64", "v8")))
            .writeTo(tmp.resolve("multi"));
    CliRun r = run("info", "--json", "--platform", "linux/arm64", image.toString());
    assertEquals(0, r.code(), r.err());
    JsonNode doc = Json.MAPPER.readTree(r.out());
    assertEquals("linux/arm64/v8", doc.get("platform").asText());
    assertEquals(2, doc.get("platformsOffered").size());
    CliRun text = run("info", image.toString());
    assertTrue(text.out().contains("offered: linux/amd64, linux/arm64/v8"), text.out());
  }

  @Test
  void badInputIsOneLineAndExitsOne() {
    CliRun r = run("info", tmp.resolve("missing").toString());
    assertEquals(1, r.code());
    assertTrue(r.err().startsWith("oci2squashfs: error: ") && r.err().contains("missing"), r.err());
    assertEquals(2, run("info").code());
    assertEquals(2, run("info", "--platform", "nonsense", tmp.toString()).code());
  }
}
