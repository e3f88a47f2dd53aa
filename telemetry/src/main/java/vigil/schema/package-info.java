/**
 * The storage schema shared by the consumer (writer), the dashboard API (reader) and infra (which creates the
 * tables locally and in AWS): one source of truth for table names, keys and indexes. Plain Java, no AWS imports.
 */
package vigil.schema;
