package vigil.dashboard.settings;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.Optional;

/**
 * Settings documents (api-v1.md, "Settings document"), one per device, with optimistic concurrency on
 * {@code version}. Implementations are thread-safe.
 */
public interface SettingsStore {
    /** The stored document (with version, updatedAt and updatedBy), read strongly consistently. */
    Optional<ObjectNode> find(String deviceId);

    /**
     * Writes {@code document} (version and server fields already set) if the stored version is
     * {@code expectedVersion}, or if no document exists when {@code expectedVersion} is null.
     *
     * @throws PreconditionFailedException when the stored version is another one (or a document exists / is missing)
     */
    void write(ObjectNode document, Long expectedVersion);

    /** The stored document is not the version the writer expected. */
    final class PreconditionFailedException extends RuntimeException {
        private static final long serialVersionUID = 1L;

        public PreconditionFailedException(String deviceId) {
            super("settings of " + deviceId + " changed concurrently");
        }
    }
}
