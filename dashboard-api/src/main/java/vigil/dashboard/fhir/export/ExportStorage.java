package vigil.dashboard.fhir.export;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;

/** Where export files go: a local folder or an S3 bucket. Implementations are thread-safe. */
public interface ExportStorage {
    /** A new file of a job; the file is complete (and visible) when the stream is closed. */
    OutputStream create(String jobId, String fileName) throws IOException;

    /** @throws java.nio.file.NoSuchFileException when the file does not exist */
    InputStream open(String jobId, String fileName) throws IOException;

    /** Removes every file of a job (nothing when there are none). */
    void delete(String jobId) throws IOException;

    /** For logs and docs: {@code folder <path>} or {@code s3://bucket/prefix}. */
    String describe();
}
