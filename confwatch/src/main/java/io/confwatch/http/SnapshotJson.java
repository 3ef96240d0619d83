package io.confwatch.http;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import io.confwatch.model.ConfigEntity;
import io.confwatch.model.Filter;
import io.confwatch.model.TenantSnapshot;
import io.vertx.core.buffer.Buffer;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;

/**
 * Renders snapshots as the {@code /tenants} JSON. An entity's {@code definition} is embedded as the JSON object it is
 * (PostgreSQL rendered it from {@code jsonb}, so it is valid JSON), never re-parsed and never quoted as a string.
 *
 * <p>A change re-renders only what changed: {@link #render} takes the tenant's previous rendering and copies the bytes
 * of every entity the new snapshot shares with it (the loader keeps unchanged entity instances), so a one-row change in
 * a 10,000-entity tenant renders one entity and copies the rest.
 */
final class SnapshotJson {
    /** Bytes per entity besides its definition: ids, names, timestamps and punctuation. */
    private static final int ENTITY_OVERHEAD = 200;

    /** Entities one after another at the root, no separator: commas and brackets are written around them. */
    private static final JsonFactory ENTITY_FACTORY = JsonFactory.builder().build();

    private static final byte[] MONITORS = bytes(",\"monitors\":[");
    private static final byte[] FILTERS = bytes("],\"filters\":[");
    private static final byte[] TRIGGERS = bytes("],\"triggers\":[");
    private static final byte[] END = bytes("]}");
    private static final byte[] UPSERTED_MONITORS = bytes(",\"upserted\":{\"monitors\":[");
    private static final byte[] REMOVED = bytes("]},\"removed\":");

    /**
     * A snapshot's JSON and where each served entity's object lies in it.
     *
     * @param snapshot what was rendered
     * @param json the UTF-8 JSON
     * @param spans per entity of {@code snapshot}, monitors then filters then triggers: start and end offsets in
     *     {@code json}, two ints each
     */
    record Rendered(TenantSnapshot snapshot, Buffer json, int[] spans) {}

    private SnapshotJson() {}

    /** {@code {tenant, name, status, version, changedAt, loadedAt, monitors[], filters[], triggers[]}}. */
    static Buffer snapshot(TenantSnapshot snapshot) {
        return render(snapshot, null).json();
    }

    /**
     * Renders {@code snapshot}, copying the bytes of each entity that is the very instance {@code previous} rendered
     * (null: render everything).
     */
    static Rendered render(TenantSnapshot snapshot, Rendered previous) {
        Map<ConfigEntity, Integer> reusable = previous == null ? Map.of() : index(previous.snapshot());
        Buffer out = Buffer.buffer(previous != null ? previous.json().length() + 1024 : sizeHint(snapshot));
        Buffer header = JsonOutput.write(json -> {
            json.writeStartObject();
            JsonOutput.uuid(json, "tenant", snapshot.tenant());
            json.writeStringField("name", snapshot.name());
            json.writeStringField("status", snapshot.status());
            json.writeNumberField("version", snapshot.version());
            JsonOutput.instant(json, "changedAt", snapshot.changedAt());
            JsonOutput.instant(json, "loadedAt", snapshot.loadedAt());
            json.writeEndObject();
        });
        // The header object without its closing brace; the entity arrays follow.
        out.appendBuffer(header, 0, header.length() - 1);
        int[] spans = new int[2 * snapshot.entityCount()];
        try (EntityWriter writer = new EntityWriter(out, reusable, previous, spans)) {
            out.appendBytes(MONITORS);
            writer.all(snapshot.monitors());
            out.appendBytes(FILTERS);
            writer.all(snapshot.filters());
            out.appendBytes(TRIGGERS);
            writer.all(snapshot.triggers());
        } catch (IOException e) {
            // Only this class's own bugs get here: the target is memory.
            throw new UncheckedIOException(e);
        }
        out.appendBytes(END);
        return new Rendered(snapshot, out, spans);
    }

    /**
     * The {@code delta} event's data turning {@code previous} into {@code snapshot}: {@code {tenant, version,
     * previousVersion, changedAt, loadedAt, name, status, upserted: {monitors, filters, triggers}, removed: {monitors,
     * filters, triggers}}}. An entity is upserted when it is not the very instance {@code previous} served (the loader
     * keeps unchanged instances, so this is what changed) and removed when its id is no longer served. Empty when the
     * delta would not be smaller than the snapshot (it upserts or removes at least as many entities as the snapshot
     * serves): the caller sends the snapshot instead. O(entities) identity lookups, O(changed) rendering.
     */
    static Optional<Buffer> delta(TenantSnapshot previous, TenantSnapshot snapshot) {
        Set<ConfigEntity> before = Collections.newSetFromMap(new IdentityHashMap<>(previous.entityCount()));
        addAll(before, previous.monitors(), previous.filters(), previous.triggers());
        List<List<? extends ConfigEntity>> upserted = List.of(
                fresh(snapshot.monitors(), before),
                fresh(snapshot.filters(), before),
                fresh(snapshot.triggers(), before));
        List<List<UUID>> removed = List.of(
                gone(previous.monitors(), snapshot.monitors()),
                gone(previous.filters(), snapshot.filters()),
                gone(previous.triggers(), snapshot.triggers()));
        int changed = 0;
        for (int kind = 0; kind < 3; kind++) {
            changed += upserted.get(kind).size() + removed.get(kind).size();
        }
        if (changed > 0 && changed >= snapshot.entityCount()) {
            return Optional.empty();
        }
        Buffer out = Buffer.buffer(512 + 64 * changed);
        Buffer header = JsonOutput.write(json -> {
            json.writeStartObject();
            JsonOutput.uuid(json, "tenant", snapshot.tenant());
            json.writeNumberField("version", snapshot.version());
            json.writeNumberField("previousVersion", previous.version());
            JsonOutput.instant(json, "changedAt", snapshot.changedAt());
            JsonOutput.instant(json, "loadedAt", snapshot.loadedAt());
            json.writeStringField("name", snapshot.name());
            json.writeStringField("status", snapshot.status());
            json.writeEndObject();
        });
        out.appendBuffer(header, 0, header.length() - 1);
        try (EntityWriter writer = new EntityWriter(out, Map.of(), null, new int[2 * changed])) {
            out.appendBytes(UPSERTED_MONITORS);
            writer.all(upserted.get(0));
            out.appendBytes(FILTERS);
            writer.all(upserted.get(1));
            out.appendBytes(TRIGGERS);
            writer.all(upserted.get(2));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        Buffer ids = JsonOutput.write(json -> {
            json.writeStartObject();
            String[] kinds = {"monitors", "filters", "triggers"};
            for (int kind = 0; kind < 3; kind++) {
                json.writeArrayFieldStart(kinds[kind]);
                for (UUID id : removed.get(kind)) {
                    json.writeString(id.toString());
                }
                json.writeEndArray();
            }
            json.writeEndObject();
        });
        out.appendBytes(REMOVED).appendBuffer(ids).appendByte((byte) '}');
        return Optional.of(out);
    }

    @SafeVarargs
    private static void addAll(Set<ConfigEntity> set, List<? extends ConfigEntity>... lists) {
        for (List<? extends ConfigEntity> list : lists) {
            set.addAll(list);
        }
    }

    /** The entities of {@code entities} that are not in {@code before} (by identity), in their order. */
    private static List<ConfigEntity> fresh(List<? extends ConfigEntity> entities, Set<ConfigEntity> before) {
        List<ConfigEntity> fresh = new ArrayList<>();
        for (ConfigEntity entity : entities) {
            if (!before.contains(entity)) {
                fresh.add(entity);
            }
        }
        return fresh;
    }

    /** The ids of {@code before} that {@code after} no longer serves. */
    private static List<UUID> gone(List<? extends ConfigEntity> before, List<? extends ConfigEntity> after) {
        Set<UUID> kept = new HashSet<>(after.size() * 2);
        for (ConfigEntity entity : after) {
            kept.add(entity.id());
        }
        List<UUID> gone = new ArrayList<>();
        for (ConfigEntity entity : before) {
            if (!kept.contains(entity.id())) {
                gone.add(entity.id());
            }
        }
        return gone;
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

    /** Each entity instance of {@code snapshot} and its position, monitors then filters then triggers. */
    private static Map<ConfigEntity, Integer> index(TenantSnapshot snapshot) {
        Map<ConfigEntity, Integer> positions = new IdentityHashMap<>(snapshot.entityCount());
        int i = 0;
        for (ConfigEntity entity : snapshot.monitors()) {
            positions.put(entity, i++);
        }
        for (ConfigEntity entity : snapshot.filters()) {
            positions.put(entity, i++);
        }
        for (ConfigEntity entity : snapshot.triggers()) {
            positions.put(entity, i++);
        }
        return positions;
    }

    /** Appends entities to one buffer: copied from the previous rendering where shared, rendered otherwise. */
    private static final class EntityWriter implements AutoCloseable {
        private final Buffer out;
        private final Map<ConfigEntity, Integer> reusable;
        private final Rendered previous;
        private final int[] spans;
        private JsonGenerator json;
        private int next;

        EntityWriter(Buffer out, Map<ConfigEntity, Integer> reusable, Rendered previous, int[] spans) {
            this.out = out;
            this.reusable = reusable;
            this.previous = previous;
            this.spans = spans;
        }

        void all(List<? extends ConfigEntity> entities) throws IOException {
            for (int i = 0; i < entities.size(); i++) {
                if (i > 0) {
                    out.appendByte((byte) ',');
                }
                one(entities.get(i));
            }
        }

        private void one(ConfigEntity entity) throws IOException {
            int start = out.length();
            Integer position = reusable.get(entity);
            if (position != null) {
                int from = previous.spans()[2 * position];
                int to = previous.spans()[2 * position + 1];
                out.appendBuffer(previous.json(), from, to - from);
            } else {
                write(entity);
            }
            spans[2 * next] = start;
            spans[2 * next + 1] = out.length();
            next++;
        }

        private void write(ConfigEntity entity) throws IOException {
            if (json == null) {
                json = ENTITY_FACTORY.createGenerator(new JsonOutput.BufferOutputStream(out));
                json.setRootValueSeparator(null);
            }
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
            // The separators around entities go straight into the buffer: the generator must have written all it holds.
            json.flush();
        }

        @Override
        public void close() throws IOException {
            if (json != null) {
                json.close();
            }
        }
    }

    private static byte[] bytes(String text) {
        return text.getBytes(java.nio.charset.StandardCharsets.UTF_8);
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
