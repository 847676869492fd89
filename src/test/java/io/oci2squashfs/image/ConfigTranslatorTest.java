package io.oci2squashfs.image;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import io.oci2squashfs.image.json.ImageConfigJson;
import io.oci2squashfs.image.json.Json;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The wire JSON of a config becomes the model whole: nothing the callers show is lost. */
class ConfigTranslatorTest {
  private static ImageConfig translate(String json) throws Exception {
    return ConfigTranslator.imageConfig(Json.MAPPER.readValue(json, ImageConfigJson.class));
  }

  @Test
  void everyFieldReachesTheModel() throws Exception {
    ImageConfig c =
        translate(
            "{\"os\":\"linux\",\"architecture\":\"arm64\",\"variant\":\"v8\","
                + "\"config\":{\"Entrypoint\":[\"/bin/app\"],\"Cmd\":[],\"Env\":[\"A=1\"],"
                + "\"WorkingDir\":\"/srv\",\"User\":\"1000\",\"Labels\":{\"z\":\"1\",\"a\":\"2\"}},"
                + "\"history\":[{\"created\":\"2020-01-01T00:00:00Z\",\"created_by\":\"RUN x\","
                + "\"comment\":\"c\"},{\"created_by\":\"ENV A=1\",\"empty_layer\":true}]}");
    assertEquals(new Platform("linux", "arm64", "v8"), c.platform());
    ContainerConfig run = c.container();
    assertEquals(List.of("/bin/app"), run.entrypoint());
    assertEquals(List.of(), run.cmd(), "an empty Cmd stays empty, not absent");
    assertEquals(List.of("A=1"), run.env());
    assertEquals("/srv", run.workingDir());
    assertEquals("1000", run.user());
    assertEquals(List.of("z", "a"), List.copyOf(run.labels().keySet()), "the config's order");
    assertEquals(
        List.of(
            new HistoryEntry("2020-01-01T00:00:00Z", "RUN x", "c", false),
            new HistoryEntry(null, "ENV A=1", null, true)),
        c.history());
  }

  @Test
  void whatIsAbsentStaysAbsent() throws Exception {
    ImageConfig c = translate("{\"os\":\"linux\"}");
    assertNull(c.platform(), "no architecture, no platform");
    assertNull(c.container());
    assertEquals(List.of(), c.history());
    ContainerConfig run = translate("{\"config\":{}}").container();
    assertNull(run.entrypoint());
    assertNull(run.cmd());
    assertEquals(List.of(), run.env());
  }
}
