package vigil.dashboard.fhir.export;

import java.io.FilterOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Objects;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.NoSuchKeyException;
import software.amazon.awssdk.services.s3.model.ServerSideEncryption;
import software.amazon.awssdk.services.s3.model.S3Object;

/**
 * Export files in an S3 bucket under {@code <prefix><jobId>/<file>}, each encrypted with SSE-KMS under the given
 * key (the bucket of infra/cdk also enforces it). A file is spooled to a local temporary file and uploaded with one
 * PutObject when its stream closes (NDJSON of one type for one hour of 1,000 devices stays far below the 5 GB
 * PutObject limit). Thread-safe.
 */
public final class S3ExportStorage implements ExportStorage {
    private final S3Client s3;
    private final String bucket;
    private final String kmsKeyId;
    private final String prefix;

    /** @param kmsKeyId KMS key id or ARN, or null for the bucket's default KMS key */
    public S3ExportStorage(S3Client s3, String bucket, String kmsKeyId, String prefix) {
        this.s3 = Objects.requireNonNull(s3, "s3");
        this.bucket = Objects.requireNonNull(bucket, "bucket");
        this.kmsKeyId = kmsKeyId;
        this.prefix = prefix == null ? "" : prefix;
    }

    @Override
    public OutputStream create(String jobId, String fileName) throws IOException {
        Path spool = Files.createTempFile("vigil-export-", ".ndjson");
        String key = prefix + jobId + "/" + fileName;
        return new FilterOutputStream(Files.newOutputStream(spool)) {
            @Override
            public void write(byte[] b, int off, int len) throws IOException {
                out.write(b, off, len);
            }

            @Override
            public void close() throws IOException {
                super.close();
                try {
                    s3.putObject(r -> {
                        r.bucket(bucket).key(key).contentType("application/fhir+ndjson")
                                .serverSideEncryption(ServerSideEncryption.AWS_KMS);
                        if (kmsKeyId != null) {
                            r.ssekmsKeyId(kmsKeyId);
                        }
                    }, RequestBody.fromFile(spool));
                } finally {
                    Files.deleteIfExists(spool);
                }
            }
        };
    }

    @Override
    public InputStream open(String jobId, String fileName) throws IOException {
        try {
            return s3.getObject(r -> r.bucket(bucket).key(prefix + jobId + "/" + fileName));
        } catch (NoSuchKeyException e) {
            throw new NoSuchFileException(fileName);
        }
    }

    @Override
    public void delete(String jobId) {
        for (S3Object o : s3.listObjectsV2Paginator(r -> r.bucket(bucket).prefix(prefix + jobId + "/")).contents()) {
            s3.deleteObject(r -> r.bucket(bucket).key(o.key()));
        }
    }

    @Override
    public String describe() {
        return "s3://" + bucket + "/" + prefix;
    }
}
