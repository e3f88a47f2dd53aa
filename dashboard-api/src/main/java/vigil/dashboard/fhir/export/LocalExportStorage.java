package vigil.dashboard.fhir.export;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.Objects;
import java.util.stream.Stream;

/** Export files under a local folder, one sub-folder per job. Thread-safe (jobs write disjoint folders). */
public final class LocalExportStorage implements ExportStorage {
    private final Path root;

    /** @throws IllegalArgumentException when the folder cannot be created or written, naming it */
    public LocalExportStorage(Path root) {
        this.root = Objects.requireNonNull(root, "root").toAbsolutePath();
        try {
            Files.createDirectories(this.root);
        } catch (IOException e) {
            throw new IllegalArgumentException("FHIR export folder " + this.root + " cannot be created: " + e, e);
        }
        if (!Files.isWritable(this.root)) {
            throw new IllegalArgumentException("FHIR export folder " + this.root + " is not writable");
        }
    }

    @Override
    public OutputStream create(String jobId, String fileName) throws IOException {
        Path dir = Files.createDirectories(root.resolve(jobId));
        return Files.newOutputStream(dir.resolve(fileName));
    }

    @Override
    public InputStream open(String jobId, String fileName) throws IOException {
        return Files.newInputStream(root.resolve(jobId).resolve(fileName));
    }

    @Override
    public void delete(String jobId) throws IOException {
        Path dir = root.resolve(jobId);
        if (!Files.exists(dir)) {
            return;
        }
        try (Stream<Path> files = Files.walk(dir)) {
            for (Path p : files.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        }
    }

    @Override
    public String describe() {
        return "folder " + root;
    }
}
