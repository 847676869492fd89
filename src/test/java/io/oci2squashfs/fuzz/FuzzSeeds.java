package io.oci2squashfs.fuzz;

import static io.oci2squashfs.testing.LayerBuilder.layer;

import io.oci2squashfs.tar.RawTar;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Writes the seed inputs of the fuzz tests into {@code src/test/resources}; run it again after
 * changing {@link FuzzInput}'s or {@link ImageJsonFuzzTest}'s input format: {@code java -cp
 * target/test-classes:target/classes:$(deps) io.oci2squashfs.fuzz.FuzzSeeds}.
 */
public final class FuzzSeeds {
  private FuzzSeeds() {}

  public static void main(String[] args) throws IOException {
    Path resources = Path.of(args.length > 0 ? args[0] : "src/test/resources/io/oci2squashfs/fuzz");
    write(resources.resolve("TarMergeFuzzTestInputs/tarAndMerge"), tarSeeds());
    write(resources.resolve("ImageJsonFuzzTestInputs/loadImage"), jsonSeeds());
  }

  private static void write(Path dir, Map<String, byte[]> seeds) throws IOException {
    Files.createDirectories(dir);
    for (Map.Entry<String, byte[]> e : seeds.entrySet()) {
      Files.write(dir.resolve("seed-" + e.getKey()), e.getValue());
    }
  }

  static Map<String, byte[]> tarSeeds() {
    Map<String, byte[]> seeds = new LinkedHashMap<>();
    byte[] base =
        layer()
            .dir("etc")
            .file("etc/passwd", "root:x:0:0")
            .dir("usr/bin", 0755)
            .file("usr/bin/tool", "#!/bin/sh\n")
            .mode(04755)
            .symlink("bin", "usr/bin")
            .hardlink("usr/bin/alias", "usr/bin/tool")
            .fifo("run/fifo")
            .charDevice("dev/null", 1, 3)
            .tar();
    byte[] upper =
        layer()
            .whiteout("etc/passwd")
            .opaque("usr")
            .file("usr/new", "n")
            .xattr("security.capability", new byte[] {1, 0, 0, 2})
            .hardlink("usr/link", "usr/bin/tool")
            .tar();
    byte[] top =
        layer()
            .dir("etc", 0700)
            .file("etc/passwd", "again")
            .hardlink("etc/copy", "usr/bin/alias")
            .file("x".repeat(150) + "/" + "y".repeat(120), "long")
            .tar();
    seeds.put("one-layer", FuzzInput.join(true, base));
    seeds.put("two-layers", FuzzInput.join(true, base, upper));
    seeds.put("three-layers", FuzzInput.join(true, base, upper, top));
    seeds.put(
        "pax-and-gnu",
        FuzzInput.join(
            true,
            RawTar.tar()
                .pax('g', RawTar.record("uid", "7"))
                .pax(
                    'x',
                    RawTar.record("path", "pax/name"),
                    RawTar.record("size", "3"),
                    RawTar.record("SCHILY.xattr.user.a", "v"),
                    RawTar.record("mtime", "1.5"))
                .entry(RawTar.header("short", '0').size(3), RawTar.latin1("abc"))
                .entry(
                    RawTar.header("././@LongLink", 'L').gnu().size(9), RawTar.latin1("gnu/long\0"))
                .entry(RawTar.header("x", '5').gnu())
                .pax(
                    'x',
                    RawTar.record("GNU.sparse.major", "1"),
                    RawTar.record("GNU.sparse.minor", "0"),
                    RawTar.record("GNU.sparse.name", "sparse"),
                    RawTar.record("GNU.sparse.realsize", "2048"))
                .entry(
                    RawTar.header("GNUSparseFile/sparse", '0').size(1024),
                    RawTar.latin1("1\n1024\n4\n" + "\0".repeat(512 - 9) + "data"))
                .end()));
    seeds.put(
        "duplicates",
        FuzzInput.join(true, layer().file("a", "1").file("a", "2").dir("d").file("d", "f").tar()));
    return seeds;
  }

  static Map<String, byte[]> jsonSeeds() {
    Map<String, byte[]> seeds = new LinkedHashMap<>();
    String layerTar =
        new String(layer().file("f", "x").tar(), java.nio.charset.StandardCharsets.ISO_8859_1)
            .replace("\0", " "); // a NUL would end the part; the layer only needs to be there
    String config =
        "{\"architecture\":\"amd64\",\"os\":\"linux\",\"config\":{\"Env\":[\"A=1\"]},"
            + "\"rootfs\":{\"type\":\"layers\",\"diff_ids\":[\"@L\"]},"
            + "\"history\":[{\"created_by\":\"x\"}]}";
    String manifest =
        "{\"schemaVersion\":2,\"mediaType\":\"application/vnd.oci.image.manifest.v1+json\","
            + "\"config\":{\"mediaType\":\"application/vnd.oci.image.config.v1+json\","
            + "\"digest\":\"@C\",\"size\":@c},"
            + "\"layers\":[{\"mediaType\":\"application/vnd.oci.image.layer.v1.tar\","
            + "\"digest\":\"@L\",\"size\":@l}]}";
    String index =
        "O{\"schemaVersion\":2,\"manifests\":["
            + "{\"mediaType\":\"application/vnd.oci.image.manifest.v1+json\","
            + "\"digest\":\"@M\",\"size\":@m,"
            + "\"platform\":{\"architecture\":\"amd64\",\"os\":\"linux\"},"
            + "\"annotations\":{\"org.opencontainers.image.ref.name\":\"latest\"}}]}";
    String docker =
        "D[{\"Config\":\"config.json\",\"RepoTags\":[\"a:b\"],\"Layers\":[\"layer.tar\"]}]";
    String dockerBlobs =
        "D[{\"Config\":\"blobs/sha256/#C\",\"RepoTags\":[],\"Layers\":[\"blobs/sha256/#L\"],"
            + "\"LayerSources\":{\"@L\":{"
            + "\"mediaType\":\"application/vnd.oci.image.layer.v1.tar\","
            + "\"size\":@l,\"digest\":\"@L\"}}}]";
    String nested =
        "O{\"schemaVersion\":2,\"manifests\":["
            + "{\"mediaType\":\"application/vnd.oci.image.index.v1+json\","
            + "\"digest\":\"@M\",\"size\":@m}]}";
    String innerIndex =
        "{\"schemaVersion\":2,\"mediaType\":\"application/vnd.oci.image.index.v1+json\","
            + "\"manifests\":["
            + "{\"mediaType\":\"application/vnd.oci.image.manifest.v1+json\","
            + "\"digest\":\"@C\",\"size\":@c,"
            + "\"platform\":{\"architecture\":\"arm64\",\"os\":\"linux\",\"variant\":\"v8\"}}]}";
    seeds.put("oci", ImageJsonFuzzTest.join(index, manifest, config, layerTar));
    seeds.put("docker-save", ImageJsonFuzzTest.join(docker, manifest, config, layerTar));
    seeds.put("docker-save-blobs", ImageJsonFuzzTest.join(dockerBlobs, manifest, config, layerTar));
    seeds.put("nested-index", ImageJsonFuzzTest.join(nested, innerIndex, manifest, layerTar));
    return seeds;
  }
}
