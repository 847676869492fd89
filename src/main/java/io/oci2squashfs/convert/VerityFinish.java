package io.oci2squashfs.convert;

import io.oci2squashfs.cleanup.PendingOutput;
import io.oci2squashfs.sink.OutputSink;
import io.oci2squashfs.verity.VerityFiles;
import io.oci2squashfs.verity.VerityParameters;
import io.oci2squashfs.verity.VerityResult;
import io.oci2squashfs.verity.VerityWriter;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;

/**
 * Writes a filesystem image's dm-verity tree from the image's written bytes, while the image is
 * still under its temporary name: appended to it, or into {@code OUTPUT.verity}; and the root hash
 * into {@code OUTPUT.roothash}. The sidecar and the root hash file are renamed into place just
 * before the image, so that once the image is there, so is everything that checks it; on failure
 * none of them is left.
 */
final class VerityFinish implements OutputSink.Finish {
  private final VerityOutput.Mode mode;
  private final VerityParameters parameters;
  private final Path output;
  private final boolean replace;
  private VerityOutcome outcome;

  /**
   * @param output the image's final name
   * @param seed what the salt and UUID are derived from (the manifest digest) when no salt is given
   */
  VerityFinish(VerityOutput verity, Path output, String seed, boolean replace) {
    this.mode = verity.mode();
    VerityParameters derived = VerityParameters.fromSeed(seed);
    this.parameters =
        verity.salt() == null ? derived : new VerityParameters(verity.salt(), derived.uuid());
    this.output = output;
    this.replace = replace;
  }

  /** Fails early, before any work, when the files beside the image cannot be written. */
  static void checkWritable(VerityOutput verity, Path output, boolean replace) throws IOException {
    PendingOutput.checkWritable(
        VerityFiles.rootHashFile(output), PendingOutput.Kind.FILE, replace, "root hash");
    if (verity.mode() == VerityOutput.Mode.SIDECAR) {
      PendingOutput.checkWritable(
          VerityFiles.sidecarFile(output), PendingOutput.Kind.FILE, replace, "verity hash");
    }
  }

  @Override
  public void apply(Path image) throws IOException {
    long started = System.nanoTime();
    try (PendingOutput rootHash = PendingOutput.file(VerityFiles.rootHashFile(output), replace);
        PendingOutput sidecar =
            mode == VerityOutput.Mode.SIDECAR
                ? PendingOutput.file(VerityFiles.sidecarFile(output), replace)
                : null) {
      // dm-verity covers whole 4096-byte blocks; a filesystem of smaller blocks may end mid-block
      VerityWriter.padToBlock(image);
      VerityResult tree =
          sidecar == null
              ? VerityWriter.append(image, parameters)
              : VerityWriter.writeSidecar(image, sidecar.partial(), parameters);
      Files.writeString(rootHash.partial(), tree.rootHashHex() + "\n", StandardCharsets.US_ASCII);
      if (sidecar != null) {
        sidecar.commit();
      }
      rootHash.commit();
      outcome =
          new VerityOutcome(
              tree,
              mode,
              sidecar == null ? output : VerityFiles.sidecarFile(output),
              VerityFiles.rootHashFile(output),
              Duration.ofNanos(System.nanoTime() - started));
    }
  }

  /** The tree written, once {@link #apply} ran. */
  VerityOutcome outcome() {
    return outcome;
  }
}
