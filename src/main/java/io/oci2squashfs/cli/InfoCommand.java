package io.oci2squashfs.cli;

import io.oci2squashfs.image.ContainerConfig;
import io.oci2squashfs.image.HistoryEntry;
import io.oci2squashfs.image.Image;
import io.oci2squashfs.image.ImageConfig;
import io.oci2squashfs.image.Layer;
import io.oci2squashfs.image.Platform;
import io.oci2squashfs.image.json.Json;
import io.oci2squashfs.source.OpenedImage;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code info}: what an image holds, without converting anything. */
@Command(
    name = "info",
    mixinStandardHelpOptions = true,
    sortOptions = false,
    description = {
      "Shows what an image holds without converting it: where it was found, the platform and"
          + " manifest chosen, each layer (digest, media type, compressed size, diff id) and a"
          + " summary of its config (entrypoint, command, environment, labels, history).",
      ""
    },
    footer = {
      "",
      "Examples:",
      "  oci2squashfs info examples/demo-image",
      "  oci2squashfs info --json docker-archive:app.tar:app:1.2 | jq .layers",
    })
final class InfoCommand implements Callable<Integer> {
  @Parameters(
      index = "0",
      paramLabel = "IMAGE",
      description =
          "docker://[REGISTRY/]REPO[:TAG|@DIGEST], a directory, a tar archive, or an"
              + " oci:/oci-archive:/docker-archive: reference.")
  String image;

  @CommandLine.Mixin PlatformOption platform;

  @Option(names = "--json", description = "Print one JSON document instead of text.")
  boolean json;

  @CommandLine.Mixin RegistryOption registry;

  @CommandLine.Mixin(name = ErrorOptions.MIXIN)
  ErrorOptions errors;

  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  @Override
  public Integer call() throws Exception {
    Image img;
    try (OpenedImage opened =
        registry.sources(spec.commandLine()).inspect(image, platform.orHost())) {
      img = opened.image();
    }
    PrintWriter out = spec.commandLine().getOut();
    if (json) {
      out.println(Json.MAPPER.writerWithDefaultPrettyPrinter().writeValueAsString(document(img)));
    } else {
      printText(img, out);
    }
    out.flush();
    return ExitCodes.DONE;
  }

  static Map<String, Object> document(Image img) {
    Map<String, Object> d = new LinkedHashMap<>();
    d.put("source", img.source());
    d.put("platform", img.platform() == null ? null : img.platform().toString());
    d.put("platformsOffered", img.platforms().stream().map(Platform::toString).toList());
    d.put("manifest", str(img.manifestDigest()));
    d.put("config", str(img.configDigest()));
    List<Map<String, Object>> layers = new ArrayList<>();
    for (Layer l : img.layers()) {
      Map<String, Object> m = new LinkedHashMap<>();
      m.put("index", l.index());
      m.put("digest", str(l.digest()));
      m.put("mediaType", l.mediaType());
      m.put("size", l.size() >= 0 ? l.size() : null);
      m.put("diffId", str(l.diffId()));
      m.put("location", l.location());
      layers.add(m);
    }
    d.put("layers", layers);
    d.put("compressedSize", img.layers().stream().mapToLong(l -> Math.max(0, l.size())).sum());
    ImageConfig c = img.config();
    if (c != null) {
      Map<String, Object> cfg = new LinkedHashMap<>();
      ContainerConfig cc = c.container();
      if (cc != null) {
        cfg.put("entrypoint", cc.entrypoint());
        cfg.put("cmd", cc.cmd());
        cfg.put("env", cc.env());
        cfg.put("workingDir", cc.workingDir());
        cfg.put("user", cc.user());
        cfg.put("labels", cc.labels());
      }
      List<Map<String, Object>> history = new ArrayList<>();
      for (HistoryEntry h : c.history()) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("created", h.created());
        m.put("createdBy", h.createdBy());
        m.put("comment", h.comment());
        m.put("emptyLayer", h.emptyLayer());
        history.add(m);
      }
      cfg.put("history", history);
      d.put("imageConfig", cfg);
    }
    return d;
  }

  private static void printText(Image img, PrintWriter out) {
    out.println("image:    " + img.source());
    out.println(
        "platform: "
            + img.platform()
            + (img.platforms().size() > 1
                ? " (offered: "
                    + img.platforms().stream()
                        .map(Platform::toString)
                        .collect(java.util.stream.Collectors.joining(", "))
                    + ")"
                : ""));
    out.println("manifest: " + str(img.manifestDigest()));
    out.println("config:   " + str(img.configDigest()));
    long total = img.layers().stream().mapToLong(l -> Math.max(0, l.size())).sum();
    out.println(
        "layers:   " + img.layers().size() + " (" + ConsoleReporter.bytes(total) + " compressed)");
    for (Layer l : img.layers()) {
      out.printf(
          "  %2d %s %10s %s%n",
          l.index(),
          l.label(),
          l.size() >= 0 ? ConsoleReporter.bytes(l.size()) : "?",
          l.mediaType() == null ? "(no media type)" : l.mediaType());
      if (l.diffId() != null && l.digest() != null && !l.diffId().equals(l.digest())) {
        out.println("     diff id " + l.diffId());
      }
    }
    ImageConfig c = img.config();
    if (c == null || c.container() == null) {
      return;
    }
    ContainerConfig cc = c.container();
    if (cc.entrypoint() != null) {
      out.println("entrypoint: " + cc.entrypoint());
    }
    if (cc.cmd() != null) {
      out.println("cmd:        " + cc.cmd());
    }
    if (cc.user() != null && !cc.user().isEmpty()) {
      out.println("user:       " + cc.user());
    }
    if (cc.workingDir() != null && !cc.workingDir().isEmpty()) {
      out.println("workdir:    " + cc.workingDir());
    }
    cc.env().forEach(e -> out.println("env:        " + e));
    cc.labels().forEach((k, v) -> out.println("label:      " + k + "=" + v));
    out.println("history:    " + c.history().size() + " steps");
    for (HistoryEntry h : c.history()) {
      out.println(
          "  "
              + (h.created() == null ? "" : h.created() + " ")
              + (h.emptyLayer() ? "(no layer) " : "")
              + (h.createdBy() == null ? "" : h.createdBy()));
    }
  }

  private static String str(Object o) {
    return o == null ? null : o.toString();
  }
}
