package io.oci2squashfs.image.json;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;

/** The {@code oci-layout} file at the root of an OCI image layout. */
@JsonIgnoreProperties(ignoreUnknown = true)
public record OciLayoutJson(String imageLayoutVersion) {}
