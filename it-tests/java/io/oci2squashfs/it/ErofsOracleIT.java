package io.oci2squashfs.it;

import io.oci2squashfs.convert.ConvertRequest;
import io.oci2squashfs.convert.OutputFormat;
import java.nio.file.Path;
import org.junit.jupiter.api.BeforeAll;

/**
 * Every case of {@link OracleIT}, written as erofs ({@code mkfs.erofs --tar=f}) instead of
 * squashfs, mounted by the kernel from a loop device, and compared with {@code umoci unpack} of the
 * same image file by file: the merge is shared, so any difference is the erofs sink's.
 */
class ErofsOracleIT extends OracleIT {
  @BeforeAll
  static void erofsTools() {
    Tools.require("mkfs.erofs", "mount", "umount");
  }

  @Override
  TreeSnapshot convertAndRead(Path image) throws Exception {
    Path out = tmp.resolve("ours.erofs");
    convert(ConvertRequest.of(image, out).withFormat(OutputFormat.EROFS).withForce(true));
    return ErofsMount.read(out, tmp.resolve("mnt"));
  }
}
