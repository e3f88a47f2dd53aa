/** Device settings documents: read with ETag/304, replace with If-Match, create with If-None-Match (api-v1.md). */
package vigil.dashboard.settings;
