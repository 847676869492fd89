package io.oci2squashfs.image;

/**
 * One step of an image's history, as its config records it; every field but {@code emptyLayer} may
 * be null.
 *
 * @param created when the step ran, as the config spells it (RFC 3339)
 * @param createdBy the command the step ran, such as a Dockerfile instruction
 * @param comment a note on the step
 * @param emptyLayer true when the step made no layer of its own (ENV, CMD, LABEL, ...)
 */
public record HistoryEntry(String created, String createdBy, String comment, boolean emptyLayer) {}
