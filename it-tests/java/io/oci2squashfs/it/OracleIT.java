package io.oci2squashfs.it;

import io.oci2squashfs.convert.ConvertListener;
import io.oci2squashfs.convert.ConvertRequest;
import io.oci2squashfs.convert.Converter;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Converts images and compares the squashfs, file by file, with what {@code umoci unpack} (an
 * independent implementation of the OCI layer rules, applied oldest layer first) makes of the same
 * image: paths, type, mode, owner, size, content, symlink target, device numbers, xattrs,
 * hard-link groups, and the mtimes of everything but directories.
 *
 * <p>Where umoci knowingly differs from {@code overlay-semantics.md}, the image avoids the case and
 * a comment says why; see {@link OracleImages}.
 */
class OracleIT {
  @TempDir
  Path tmp;

  final List<String> warnings = new ArrayList<>();

  @BeforeAll
  static void tools() {
    Tools.require("mksquashfs", "unsquashfs", "umoci", "getfattr", "find", "stat", "sha256sum");
  }

  @Test
  void demoImage() throws Exception {
    compare(Path.of("examples/demo-image").toAbsolutePath(), "latest");
  }

  /** Unpacks {@code image:tag} with umoci, converts it with us, and asserts the trees are equal. */
  void compare(Path image, String tag) throws Exception {
    TreeSnapshot oracle = TreeSnapshot.ofDirectory(umociUnpack(image, tag));
    Path out = tmp.resolve("ours.squashfs");
    new Converter(new ConvertListener() {
      @Override
      public void warning(String message) {
        warnings.add(message);
      }
    }).convert(ConvertRequest.of(image, out).withForce(true));
    TreeSnapshot ours = TreeSnapshot.of(SquashfsContents.read(out));
    TreeSnapshot.assertSame(oracle, ours, image.getFileName() + ":" + tag
        + (warnings.isEmpty() ? "" : " (our warnings: " + warnings + ")"));
  }

  /**
   * {@code umoci unpack} into a fresh bundle, with umask 022 so that the directories umoci makes
   * for missing parents are 0755 like ours. umoci writes into the image directory (it takes a
   * lock), so it works on a copy.
   */
  Path umociUnpack(Path image, String tag) throws IOException, InterruptedException {
    Path copy = tmp.resolve("umoci-image");
    TreeSnapshot.run("cp", "-a", image.toString(), copy.toString());
    Path bundle = tmp.resolve("bundle");
    TreeSnapshot.run("sh", "-c", "umask 022 && exec umoci unpack --image \"$1\" \"$2\"", "sh",
        copy + ":" + tag, bundle.toString());
    Path rootfs = bundle.resolve("rootfs");
    if (!Files.isDirectory(rootfs)) {
      throw new IOException("umoci made no " + rootfs);
    }
    return rootfs;
  }
}
