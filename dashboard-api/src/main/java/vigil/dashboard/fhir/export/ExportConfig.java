package vigil.dashboard.fhir.export;

import java.nio.file.Path;
import java.util.Map;
import java.util.Objects;

/**
 * Where bulk export files go, read from the environment: an S3 bucket (SSE-KMS) when
 * {@value #ENV_BUCKET} is set, else a local folder ({@value #ENV_DIR}, default {@code vigil-fhir-export} under the
 * JVM's temporary directory).
 *
 * @param dir      local folder (used when bucket is null)
 * @param bucket   S3 bucket name, or null
 * @param kmsKeyId KMS key id or ARN for SSE-KMS, or null for the bucket's default key
 */
public record ExportConfig(Path dir, String bucket, String kmsKeyId) {
    public static final String ENV_DIR = "VIGIL_FHIR_EXPORT_DIR";
    public static final String ENV_BUCKET = "VIGIL_FHIR_EXPORT_BUCKET";
    public static final String ENV_KMS_KEY = "VIGIL_FHIR_EXPORT_KMS_KEY";

    public ExportConfig {
        Objects.requireNonNull(dir, "dir");
        if (bucket != null && !bucket.matches("[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]")) {
            throw new IllegalArgumentException(ENV_BUCKET + " must be an S3 bucket name (3-63 of a-z 0-9 . -)");
        }
    }

    /** The local default: a folder under the JVM's temporary directory. */
    public static ExportConfig defaults() {
        return new ExportConfig(Path.of(System.getProperty("java.io.tmpdir"), "vigil-fhir-export"), null, null);
    }

    /** @throws IllegalArgumentException for a bad bucket name */
    public static ExportConfig fromEnv(Map<String, String> env) {
        String dir = blankToNull(env.get(ENV_DIR));
        return new ExportConfig(dir == null ? defaults().dir() : Path.of(dir), blankToNull(env.get(ENV_BUCKET)),
                blankToNull(env.get(ENV_KMS_KEY)));
    }

    private static String blankToNull(String v) {
        return v == null || v.isBlank() ? null : v.trim();
    }
}
