package io.oci2squashfs.imagewrite;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.oci2squashfs.image.Digest;
import io.oci2squashfs.image.RawJson;
import io.oci2squashfs.image.json.Json;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class ConfigRewriterTest {
  private static final Digest A = Digest.sha256(new byte[] {1});
  private static final Digest NEW = Digest.sha256(new byte[] {9});

  // history: layer0, (empty ENV), layer1, (empty LABEL), layer2, (empty CMD)
  private static final String CONFIG =
      "{\"architecture\":\"amd64\",\"os\":\"linux\",\"config\":{\"Cmd\":[\"sh\"]},"
          + "\"unknown_field\":{\"kept\":true},"
          + "\"rootfs\":{\"type\":\"layers\",\"diff_ids\":[\"x\",\"y\",\"z\"]},\"history\":["
          + "{\"created\":\"2020-01-01T00:00:00Z\",\"created_by\":\"base\"},"
          + "{\"created\":\"2020-01-02T00:00:00Z\",\"created_by\":\"ENV\",\"empty_layer\":true},"
          + "{\"created\":\"2020-01-03T00:00:00Z\",\"created_by\":\"RUN one\"},"
          + "{\"created\":\"2020-01-04T00:00:00Z\",\"created_by\":\"LABEL\",\"empty_layer\":true},"
          + "{\"created\":\"2020-01-05T00:00:00Z\",\"created_by\":\"RUN two\"},"
          + "{\"created\":\"2020-01-06T00:00:00Z\",\"created_by\":\"CMD\",\"empty_layer\":true}]}";

  private static RawJson raw(String json) {
    return new RawJson(json.getBytes(StandardCharsets.UTF_8));
  }

  private static List<String> createdBy(JsonNode c) {
    List<String> out = new ArrayList<>();
    c.get("history")
        .forEach(
            h ->
                out.add(
                    h.get("created_by").asText() + (h.path("empty_layer").asBoolean() ? "*" : "")));
    return out;
  }

  @Test
  void squashedStepsBecomeOneEntryAndEmptyOnesBelowStay() throws Exception {
    List<String> warnings = new ArrayList<>();
    ObjectNode c =
        ConfigRewriter.rewrite(raw(CONFIG), 1, 3, List.of(A), NEW, "squashed!", warnings::add);
    assertEquals(List.of("base", "ENV*", "squashed!"), createdBy(c));
    assertEquals(
        "2020-01-06T00:00:00Z",
        c.get("history").get(2).get("created").asText(),
        "newest folded time");
    assertEquals(
        List.of(A.toString(), NEW.toString()),
        List.of(
            c.get("rootfs").get("diff_ids").get(0).asText(),
            c.get("rootfs").get("diff_ids").get(1).asText()));
    assertEquals(2, c.get("rootfs").get("diff_ids").size());
    assertTrue(
        c.get("unknown_field").get("kept").asBoolean(), "fields this tool does not know are kept");
    assertEquals("sh", c.get("config").get("Cmd").get(0).asText());
    assertTrue(warnings.isEmpty(), warnings.toString());
  }

  @Test
  void squashingAllLeavesOneEntry() throws Exception {
    ObjectNode c = ConfigRewriter.rewrite(raw(CONFIG), 0, 3, List.of(), NEW, "all", w -> {});
    assertEquals(List.of("all"), createdBy(c));
    assertEquals(1, c.get("rootfs").get("diff_ids").size());
  }

  @Test
  void historyThatDoesNotMatchTheLayersIsRebuiltWithAWarning() throws Exception {
    List<String> warnings = new ArrayList<>();
    ObjectNode c =
        ConfigRewriter.rewrite(raw(CONFIG), 2, 4, List.of(A, A), NEW, "m", warnings::add);
    assertEquals(3, c.get("history").size());
    assertEquals(1, warnings.size());
  }

  @Test
  void theOriginalIsNotChanged() throws Exception {
    RawJson original = raw(CONFIG);
    ConfigRewriter.rewrite(original, 1, 3, List.of(A), NEW, "m", w -> {});
    assertEquals(Json.MAPPER.readTree(CONFIG), Json.MAPPER.readTree(original.bytes()));
  }
}
