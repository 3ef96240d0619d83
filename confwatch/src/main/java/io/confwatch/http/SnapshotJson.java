package io.confwatch.http;

import com.fasterxml.jackson.core.JsonGenerator;
import io.confwatch.model.ConfigEntity;
import io.confwatch.model.Filter;
import io.confwatch.model.TenantSnapshot;
import io.vertx.core.buffer.Buffer;
import java.io.IOException;
import java.util.List;

/**
 * Renders snapshots as the {@code /tenants} JSON. An entity's {@code definition} is embedded as the JSON object it is
 * (PostgreSQL rendered it from {@code jsonb}, so it is valid JSON), never re-parsed and never quoted as a string.
 */
final class SnapshotJson {
    /** Bytes per entity besides its definition: ids, names, timestamps and punctuation. */
    private static final int ENTITY_OVERHEAD = 200;

    private SnapshotJson() {}

    /** {@code {tenant, name, status, version, changedAt, loadedAt, monitors[], filters[], triggers[]}}. */
    static Buffer snapshot(TenantSnapshot snapshot) {
        return JsonOutput.write(sizeHint(snapshot), json -> {
            json.writeStartObject();
            JsonOutput.uuid(json, "tenant", snapshot.tenant());
            json.writeStringField("name", snapshot.name());
            json.writeStringField("status", snapshot.status());
            json.writeNumberField("version", snapshot.version());
            JsonOutput.instant(json, "changedAt", snapshot.changedAt());
            JsonOutput.instant(json, "loadedAt", snapshot.loadedAt());
            entities(json, "monitors", snapshot.monitors());
            entities(json, "filters", snapshot.filters());
            entities(json, "triggers", snapshot.triggers());
            json.writeEndObject();
        });
    }

    /** {@code [{tenant, version, loadedAt}, …]} in the order given. */
    static Buffer tenantList(List<TenantSnapshot> snapshots) {
        return JsonOutput.write(16 + 110 * snapshots.size(), json -> {
            json.writeStartArray();
            for (TenantSnapshot snapshot : snapshots) {
                json.writeStartObject();
                JsonOutput.uuid(json, "tenant", snapshot.tenant());
                json.writeNumberField("version", snapshot.version());
                JsonOutput.instant(json, "loadedAt", snapshot.loadedAt());
                json.writeEndObject();
            }
            json.writeEndArray();
        });
    }

    private static void entities(JsonGenerator json, String field, List<? extends ConfigEntity> entities)
            throws IOException {
        json.writeArrayFieldStart(field);
        for (ConfigEntity entity : entities) {
            json.writeStartObject();
            JsonOutput.uuid(json, "id", entity.id());
            json.writeStringField("name", entity.name());
            if (entity instanceof Filter filter) {
                JsonOutput.uuid(json, "monitorId", filter.monitorId());
            }
            json.writeFieldName("definition");
            json.writeRawValue(entity.definition());
            JsonOutput.instant(json, "updatedAt", entity.updatedAt());
            json.writeStringField("updatedBy", entity.updatedBy());
            json.writeEndObject();
        }
        json.writeEndArray();
    }

    private static int sizeHint(TenantSnapshot snapshot) {
        long bytes = 512L + (long) ENTITY_OVERHEAD * snapshot.entityCount();
        for (ConfigEntity entity : snapshot.monitors()) {
            bytes += entity.definition().length();
        }
        for (ConfigEntity entity : snapshot.filters()) {
            bytes += entity.definition().length();
        }
        for (ConfigEntity entity : snapshot.triggers()) {
            bytes += entity.definition().length();
        }
        return (int) Math.min(bytes, 64L * 1024 * 1024);
    }
}
