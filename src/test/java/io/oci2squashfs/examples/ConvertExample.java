package io.oci2squashfs.examples;

import io.oci2squashfs.convert.ConvertListener;
import io.oci2squashfs.convert.ConvertRequest;
import io.oci2squashfs.convert.ConvertResult;
import io.oci2squashfs.convert.Converter;
import io.oci2squashfs.sink.MksquashfsOptions;
import io.oci2squashfs.sink.SquashfsCompression;
import java.io.IOException;
import java.nio.file.Path;

/** Converts an image to squashfs: java ConvertExample IMAGE OUTPUT */
public class ConvertExample {
  public static void main(String[] args) throws IOException {
    ConvertListener listener =
        new ConvertListener() {
          @Override
          public void layerStarted(int layer, int layerCount, String digest, long size) {
            System.err.printf(
                "reading layer %d/%d %s (%d bytes)%n", layer, layerCount, digest, size);
          }

          @Override
          public void warning(String message) {
            System.err.println("warning: " + message);
          }
        };
    ConvertRequest request =
        ConvertRequest.of(Path.of(args[0]), Path.of(args[1]))
            .withSquashfs(
                MksquashfsOptions.DEFAULT
                    .withCompression(SquashfsCompression.parse("xz"))
                    .withMkfsTime(0L)) // reproducible: the same image gives the same bytes
            .withForce(true);
    // Throws an IOException naming the file, layer and entry at fault; then no output is left.
    ConvertResult result = new Converter(listener).convert(request);
    System.out.printf(
        "%s: %d entries, %d whiteouts applied, %d hard links copied, %d of %d bytes (%.0f%%)%n",
        result.output(),
        result.merge().entriesWritten(),
        result.merge().whiteoutsApplied(),
        result.merge().hardLinksPromoted(),
        result.outputBytes(),
        result.uncompressedBytes(),
        result.ratio() * 100);
  }
}
