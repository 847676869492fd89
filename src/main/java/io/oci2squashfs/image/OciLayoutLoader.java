package io.oci2squashfs.image;

import io.oci2squashfs.image.json.DescriptorJson;
import io.oci2squashfs.image.json.IndexJson;
import io.oci2squashfs.image.json.OciLayoutJson;
import io.oci2squashfs.image.json.PlatformJson;
import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Reads an OCI image layout, in a directory or an archive: {@code oci-layout}, {@code index.json}
 * and {@code blobs/<alg>/<hex>}.
 *
 * <p>Choosing the image: the top-level entries of {@code index.json} that carry a ref name, and
 * those with neither ref name nor platform, are separate images (tags); untagged entries with a
 * platform together form one multi-platform image. Attestations and artifacts are skipped. Exactly
 * one image must remain, unless a ref name picks one. Indexes (nested to any depth) are then
 * flattened and the platform chosen: wherever an index states a platform it must match the wanted
 * one; a manifest reached without any platform statement is taken as it is.
 */
final class OciLayoutLoader {
  static final String REF_NAME = DescriptorJson.REF_NAME;
  static final String CONTAINERD_NAME = "io.containerd.image.name";

  private final ImageFiles files;

  private OciLayoutLoader(ImageFiles files) {
    this.files = files;
  }

  static Image load(ImageFiles files, Platform wanted, String refName) throws IOException {
    return new OciLayoutLoader(files).load(wanted, refName);
  }

  private Image load(Platform wanted, String refName) throws IOException {
    checkLayoutVersion();
    byte[] bytes = JsonFiles.read(files, "index.json", "index.json", -1);
    IndexJson index = JsonFiles.parse(bytes, IndexJson.class, "index.json", "index.json");
    ManifestResolver.checkSchemaVersion(index.schemaVersion(), "index.json");

    List<Entry> entries = new ArrayList<>();
    for (int i = 0; i < index.manifests().size(); i++) {
      DescriptorJson d = index.manifests().get(i);
      String where = "index.json: manifests[" + i + "]";
      if (d == null) {
        throw new ImageFormatException(where + " is null");
      }
      if (!ManifestResolver.isSkipped(d)) {
        entries.add(new Entry(d, ManifestResolver.digestOf(d, where)));
      }
    }
    if (refName != null) {
      entries = withRefName(entries, refName);
    }
    List<Entry> images = chooseImage(entries);

    String ref = images.get(0).descriptor().annotation(REF_NAME);
    String kind = files.isArchive() ? "OCI archive " : "OCI image layout ";
    String source = kind + files.location() + (ref == null ? "" : " (" + ref + ")");
    List<ManifestResolver.Root> roots =
        images.stream().map(e -> new ManifestResolver.Root(e.descriptor(), e.digest())).toList();
    return ManifestResolver.resolve(new LayoutBlobs(), roots, wanted, "index.json", source);
  }

  private void checkLayoutVersion() throws IOException {
    if (!files.exists(files.resolve("oci-layout", "oci-layout"))) {
      return; // required by the spec, but some writers leave it out; index.json says enough
    }
    byte[] bytes = JsonFiles.read(files, "oci-layout", "oci-layout", -1);
    OciLayoutJson layout = JsonFiles.parse(bytes, OciLayoutJson.class, "oci-layout", "oci-layout");
    String version = layout.imageLayoutVersion();
    if (version == null) {
      throw new ImageFormatException("oci-layout: no imageLayoutVersion");
    }
    if (!version.equals("1") && !version.startsWith("1.")) {
      throw new ImageFormatException(
          "oci-layout: unsupported imageLayoutVersion \"" + version + "\" (expected 1.x)");
    }
  }

  private static List<Entry> withRefName(List<Entry> entries, String refName)
      throws ImageFormatException {
    List<Entry> named = new ArrayList<>();
    for (Entry e : entries) {
      if (refName.equals(e.descriptor().annotation(REF_NAME))
          || refName.equals(e.descriptor().annotation(CONTAINERD_NAME))) {
        named.add(e);
      }
    }
    if (named.isEmpty()) {
      throw new ImageFormatException(
          "index.json: no image named \"" + refName + "\"; it holds " + describe(entries));
    }
    return named;
  }

  // The top-level entries that make up the one image to read.
  private static List<Entry> chooseImage(List<Entry> entries) throws ImageFormatException {
    Map<Digest, Entry> separate = new LinkedHashMap<>();
    List<Entry> platformSet = new ArrayList<>();
    for (Entry e : entries) {
      if (e.descriptor().annotation(REF_NAME) == null && e.descriptor().platform() != null) {
        platformSet.add(e);
      } else {
        separate.putIfAbsent(e.digest(), e); // several tags on one manifest are one image
      }
    }
    int images = separate.size() + (platformSet.isEmpty() ? 0 : 1);
    if (images == 0) {
      throw new ImageFormatException("index.json: no image manifests");
    }
    if (images > 1) {
      throw new ImageFormatException(
          "index.json: holds "
              + images
              + " images and none was chosen by name: "
              + describe(entries));
    }
    return platformSet.isEmpty() ? List.copyOf(separate.values()) : platformSet;
  }

  private static String describe(List<Entry> entries) {
    List<String> names = new ArrayList<>();
    List<String> platforms = new ArrayList<>();
    for (Entry e : entries) {
      String ref = e.descriptor().annotation(REF_NAME);
      PlatformJson p = e.descriptor().platform();
      if (ref == null && p != null) {
        platforms.add(p.os() + "/" + p.architecture() + " " + e.digest());
      } else {
        String name = ref != null ? ref : "(no ref name)";
        String text = name + " " + e.digest();
        if (!names.contains(text)) {
          names.add(text);
        }
      }
    }
    if (!platforms.isEmpty()) {
      names.add("a multi-platform image without ref name (" + String.join(", ", platforms) + ")");
    }
    return names.isEmpty() ? "no images" : String.join(", ", names);
  }

  /** A top-level entry of index.json. */
  private record Entry(DescriptorJson descriptor, Digest digest) {}

  /** The layout's {@code blobs/<alg>/<hex>} files. */
  private final class LayoutBlobs implements BlobStore {
    @Override
    public byte[] readManifest(Digest digest, long size, String where) throws IOException {
      byte[] bytes = JsonFiles.read(files, digest.blobPath(), where, size);
      JsonFiles.checkDigest(bytes, digest, where);
      return bytes;
    }

    @Override
    public byte[] readConfig(Digest digest, long size, String where) throws IOException {
      return readManifest(digest, size, where);
    }

    @Override
    public Layer layer(
        int index,
        Digest digest,
        Digest diffId,
        String mediaType,
        long declaredSize,
        List<String> urls,
        String where)
        throws IOException {
      String name = digest.blobPath();
      String resolved = files.resolve(name, where);
      if (!files.isFile(resolved)) {
        String hint =
            urls.isEmpty()
                ? ""
                : "; it is a non-distributable layer, fetched from " + String.join(" or ", urls);
        throw new ImageFormatException(where + ": blob missing (" + name + ")" + hint);
      }
      long size = files.size(resolved);
      if (declaredSize >= 0 && size != declaredSize) {
        throw new ImageFormatException(
            where
                + ": "
                + name
                + " has "
                + size
                + " bytes but its descriptor says "
                + declaredSize);
      }
      return new Layer(index, digest, diffId, mediaType, size, name, files.opener(resolved));
    }
  }
}
