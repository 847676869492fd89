package io.oci2squashfs.cli;

import io.oci2squashfs.cache.BlobCache;
import io.oci2squashfs.cache.CacheContents;
import io.oci2squashfs.image.json.Json;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code cache}: what the blob cache holds, and trimming it. */
@Command(
    name = "cache",
    mixinStandardHelpOptions = true,
    sortOptions = false,
    description = {
      "Shows or trims the cache of blobs downloaded from registries: an OCI image layout that"
          + " skopeo and umoci read too (skopeo inspect oci:CACHE:REGISTRY/REPO:TAG).",
      "",
      "  info    its directory, the images it names, its blobs and their size (the default)",
      "  prune   remove the blobs no named image needs and unfinished downloads (except what"
          + " changed within the last hour: a run beside it may be using them); --all empties it",
      ""
    },
    footer = {
      "",
      "Examples:",
      "  oci2squashfs cache",
      "  oci2squashfs cache prune --all",
      "  oci2squashfs cache info --cache /var/cache/images --json"
    })
final class CacheCommand implements Callable<Integer> {
  @Parameters(
      index = "0",
      arity = "0..1",
      paramLabel = "info|prune",
      defaultValue = "info",
      description = "What to do (default: info).")
  String action;

  @Option(
      names = "--cache",
      paramLabel = "DIR",
      description =
          "The cache (default: $XDG_CACHE_HOME/oci2squashfs, else ~/.cache/oci2squashfs).")
  Path cache;

  @Option(names = "--all", description = "With prune: remove every blob and image name.")
  boolean all;

  @Option(names = "--json", description = "Print one JSON document instead of text.")
  boolean json;

  @CommandLine.Mixin(name = ErrorOptions.MIXIN)
  ErrorOptions errors;

  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  @Override
  public Integer call() throws Exception {
    if (!action.equals("info") && !action.equals("prune")) {
      throw new CommandLine.ParameterException(
          spec.commandLine(), "unknown action '" + action + "': info or prune");
    }
    if (all && !action.equals("prune")) {
      throw new CommandLine.ParameterException(spec.commandLine(), "--all goes with prune");
    }
    Path dir =
        cache != null
            ? cache
            : BlobCache.defaultDirectory(System.getenv(), Path.of(System.getProperty("user.home")));
    BlobCache opened = BlobCache.open(dir);
    PrintWriter out = spec.commandLine().getOut();
    Map<String, Object> d = new LinkedHashMap<>();
    if (action.equals("prune")) {
      CacheContents.Pruned p = CacheContents.prune(opened, all);
      d.put("removedBlobs", p.blobs());
      d.put("removedBytes", p.bytes());
      if (!json) {
        out.printf(
            "removed %d blob%s (%s)%n",
            p.blobs(), p.blobs() == 1 ? "" : "s", ConsoleReporter.bytes(p.bytes()));
      }
    }
    CacheContents.Summary s = CacheContents.summarize(opened);
    if (json) {
      d.put("cache", s.root().toString());
      d.put("images", s.images());
      d.put("blobs", s.blobs());
      d.put("bytes", s.blobBytes());
      d.put("unfinishedDownloads", s.partials());
      d.put("unfinishedBytes", s.partialBytes());
      out.println(Json.MAPPER.writerWithDefaultPrettyPrinter().writeValueAsString(d));
    } else {
      out.printf("cache:  %s%n", s.root());
      out.printf(
          "blobs:  %d (%s)%s%n",
          s.blobs(),
          ConsoleReporter.bytes(s.blobBytes()),
          s.partials() > 0
              ? ", and "
                  + s.partials()
                  + " unfinished ("
                  + ConsoleReporter.bytes(s.partialBytes())
                  + ")"
              : "");
      out.printf("images: %d%n", s.images().size());
      s.images().forEach(i -> out.println("  " + i));
    }
    out.flush();
    return ExitCodes.DONE;
  }
}
