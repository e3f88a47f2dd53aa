package vigil.dashboard.fhir.export;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The local export folder: files per job, deletion, and a clear error for a folder that cannot be used. */
class LocalExportStorageTest {
    @TempDir
    Path dir;

    @Test
    void shouldWriteReadAndDeleteTheFilesOfAJob() throws Exception {
        LocalExportStorage storage = new LocalExportStorage(dir.resolve("exports"));
        try (OutputStream out = storage.create("job-1", "Device.ndjson")) {
            out.write("{\"resourceType\":\"Device\"}\n".getBytes(StandardCharsets.UTF_8));
        }
        try (InputStream in = storage.open("job-1", "Device.ndjson")) {
            assertThat(new String(in.readAllBytes(), StandardCharsets.UTF_8)).startsWith("{\"resourceType\"");
        }
        storage.delete("job-1");
        assertThat(Files.exists(dir.resolve("exports").resolve("job-1"))).isFalse();
        assertThatThrownBy(() -> storage.open("job-1", "Device.ndjson")).isInstanceOf(NoSuchFileException.class);
        storage.delete("job-never-started"); // nothing to delete: no error
    }

    @Test
    void shouldNameTheFolderWhenItCannotBeCreated() throws Exception {
        Path file = Files.writeString(dir.resolve("a-file"), "x");
        assertThatThrownBy(() -> new LocalExportStorage(file.resolve("exports")))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("FHIR export folder")
                .hasMessageContaining(file.resolve("exports").toString());
    }

    @Test
    void shouldReadTheFolderAndBucketFromTheEnvironmentAndRejectABadBucketName() {
        ExportConfig local = ExportConfig.fromEnv(Map.of(ExportConfig.ENV_DIR, dir.toString()));
        assertThat(local.dir()).isEqualTo(dir);
        assertThat(local.bucket()).isNull();
        assertThat(ExportConfig.fromEnv(Map.of()).dir().getFileName().toString()).isEqualTo("vigil-fhir-export");
        ExportConfig s3 = ExportConfig.fromEnv(Map.of(ExportConfig.ENV_BUCKET, "vigil-fhir-exports",
                ExportConfig.ENV_KMS_KEY, "alias/vigil-data"));
        assertThat(s3.bucket()).isEqualTo("vigil-fhir-exports");
        assertThat(s3.kmsKeyId()).isEqualTo("alias/vigil-data");
        assertThatThrownBy(() -> ExportConfig.fromEnv(Map.of(ExportConfig.ENV_BUCKET, "Not_A_Bucket")))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining(ExportConfig.ENV_BUCKET);
    }
}
