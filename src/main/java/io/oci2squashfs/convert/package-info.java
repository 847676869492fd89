/**
 * The library's entry point: {@link io.oci2squashfs.convert.Converter} turns a container image (an
 * OCI layout or a {@code docker save}, as a directory or a tar archive) into a squashfs file, a tar
 * or a directory ({@link io.oci2squashfs.convert.OutputFormat}), reporting progress to a {@link
 * io.oci2squashfs.convert.ConvertListener}.
 *
 * <pre>{@code
 * ConvertResult r = new Converter(new ConvertListener() {
 *       @Override public void warning(String message) { System.err.println(message); }
 *     })
 *     .convert(ConvertRequest.of(Path.of("image-dir"), Path.of("rootfs.squashfs")));
 * }</pre>
 *
 * <p>{@link io.oci2squashfs.convert.ConvertRequest} says what to convert and how (platform, format,
 * {@link io.oci2squashfs.sink.MksquashfsOptions}, replacing); {@link
 * io.oci2squashfs.convert.ConvertResult} holds what was written: entries, whiteouts applied, hard
 * links promoted, input and output sizes, time. Failures are {@link java.io.IOException}s whose
 * message names the file, layer and entry; no output is left then. To check a result against the
 * image, see {@link io.oci2squashfs.verify.Verifier}.
 *
 * <p>Glues {@code image}, {@code layer}, {@code tar}, {@code overlay}, {@code sink} and {@code
 * extract}; prints nothing.
 */
package io.oci2squashfs.convert;
