package io.confwatch.http;

import com.fasterxml.jackson.core.JsonGenerator;
import io.confwatch.WorkerStatus;
import io.confwatch.WorkerStatus.FailingTenant;
import io.confwatch.model.FullReloadStatus;
import io.confwatch.model.InvalidEntity;
import io.confwatch.model.ListenerStatus;
import io.confwatch.model.TlsStatus;
import io.vertx.core.buffer.Buffer;
import java.io.IOException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/** Renders {@link WorkerStatus} as the {@code /status} JSON; lists are sorted so two answers compare line by line. */
final class StatusJson {
    private static final Comparator<FailingTenant> BY_TENANT = Comparator.comparing(FailingTenant::tenant);
    private static final Comparator<InvalidEntity> BY_ENTITY = Comparator.comparing(InvalidEntity::tenant)
            .thenComparing(InvalidEntity::kind)
            .thenComparing(InvalidEntity::id);

    private StatusJson() {}

    /** The {@code /status} body. */
    static Buffer write(WorkerStatus status) {
        return write(status, null);
    }

    /** The {@code /status} body with an {@code http} section on {@code held} (left out when null). */
    static Buffer write(WorkerStatus status, HeldRequests held) {
        int sizeHint = 1024
                + 160
                        * (status.failingTenants().size()
                                + status.invalidEntities().size());
        return JsonOutput.write(sizeHint, json -> {
            json.writeStartObject();
            json.writeStringField("version", status.version());
            json.writeStringField("workerId", status.workerId());
            json.writeStringField("mode", status.mode());
            json.writeStringField("shard", status.shard());
            json.writeBooleanField("ready", status.ready());
            json.writeBooleanField("embeddedDatabase", status.embeddedDatabase());
            database(json, status.database());
            listener(json, status.listener());
            json.writeNumberField("tenants", status.tenants());
            json.writeNumberField("staleTenants", status.staleTenants());
            JsonOutput.instant(json, "lastSweepAt", status.lastSweepAt());
            JsonOutput.instant(json, "lastFullReloadAt", status.lastFullReloadAt());
            fullReload(json, status.fullReload());
            failures(json, status.failingTenants());
            invalid(json, status.invalidEntities());
            if (held != null) {
                http(json, held);
            }
            json.writeEndObject();
        });
    }

    private static void database(JsonGenerator json, TlsStatus tls) throws IOException {
        json.writeObjectFieldStart("database");
        json.writeStringField("sslmode", tls.sslmode());
        if (tls.encrypted() == null) {
            // No connection opened yet.
            json.writeNullField("encrypted");
        } else {
            json.writeBooleanField("encrypted", tls.encrypted());
        }
        json.writeStringField("verified", tls.verified());
        json.writeBooleanField("clientCertificate", tls.clientCertificate());
        json.writeEndObject();
    }

    private static void listener(JsonGenerator json, ListenerStatus listener) throws IOException {
        if (listener == null) {
            // Poll mode: there is no listener to describe.
            json.writeNullField("listener");
            return;
        }
        json.writeObjectFieldStart("listener");
        json.writeBooleanField("connected", listener.connected());
        json.writeStringField("state", listener.state());
        json.writeStringField("channel", listener.channel());
        json.writeNumberField("reconnects", listener.reconnects());
        JsonOutput.instant(json, "lastNotificationAt", listener.lastNotificationAt());
        JsonOutput.instant(json, "lastProbeAt", listener.lastProbeAt());
        if (listener.lastProbeRoundTrip() == null) {
            json.writeNullField("lastProbeRoundTripMs");
        } else {
            json.writeNumberField(
                    "lastProbeRoundTripMs",
                    Math.round(listener.lastProbeRoundTrip().toNanos() / 1_000.0) / 1_000.0);
        }
        JsonOutput.instant(json, "deafSince", listener.deafSince());
        json.writeNumberField("deafForMs", listener.deafFor(Instant.now()).toMillis());
        json.writeStringField("lastError", listener.lastError());
        json.writeEndObject();
    }

    private static void fullReload(JsonGenerator json, FullReloadStatus full) throws IOException {
        json.writeObjectFieldStart("fullReload");
        json.writeStringField("budget", full.budget().toString());
        json.writeNumberField("progress", full.progress());
        FullReloadStatus.Running running = full.running();
        if (running == null) {
            json.writeNullField("running");
        } else {
            json.writeObjectFieldStart("running");
            json.writeStringField("cause", running.cause());
            JsonOutput.instant(json, "startedAt", running.startedAt());
            json.writeNumberField("tenants", running.tenants());
            json.writeNumberField("checked", running.checked());
            json.writeNumberField("read", running.read());
            json.writeNumberField("skipped", running.skipped());
            json.writeNumberField("databaseMs", running.databaseTime().toMillis());
            json.writeEndObject();
        }
        FullReloadStatus.Finished last = full.last();
        if (last == null) {
            json.writeNullField("last");
        } else {
            json.writeObjectFieldStart("last");
            json.writeStringField("cause", last.cause());
            JsonOutput.instant(json, "startedAt", last.startedAt());
            json.writeNumberField("durationMs", last.took().toMillis());
            json.writeNumberField("tenants", last.tenants());
            json.writeNumberField("read", last.read());
            json.writeNumberField("skipped", last.skipped());
            json.writeStringField("error", last.error());
            json.writeEndObject();
        }
        json.writeNumberField("runs", full.runs());
        json.writeEndObject();
    }

    private static void http(JsonGenerator json, HeldRequests held) throws IOException {
        json.writeObjectFieldStart("http");
        json.writeObjectFieldStart("watch");
        json.writeNumberField("streams", held.watchStreams.held());
        json.writeNumberField("maxStreams", held.watchStreams.limit());
        json.writeNumberField("bufferBytes", held.watchBufferBytes);
        json.writeNumberField("eventsSent", (long) held.eventsSent());
        json.writeNumberField("cutOff", (long) held.watchCutOff.count());
        json.writeNumberField("rejected", (long) held.watchRejected.count());
        json.writeNumberField("resets", (long) held.watchResets.count());
        json.writeEndObject();
        json.writeObjectFieldStart("longPolls");
        json.writeNumberField("waiting", held.longPolls.held());
        json.writeNumberField("max", held.longPolls.limit());
        json.writeNumberField("rejected", (long) held.longPollsRejected.count());
        json.writeEndObject();
        json.writeEndObject();
    }

    private static void failures(JsonGenerator json, List<FailingTenant> failures) throws IOException {
        List<FailingTenant> sorted = new ArrayList<>(failures);
        sorted.sort(BY_TENANT);
        json.writeArrayFieldStart("failingTenants");
        for (FailingTenant failure : sorted) {
            json.writeStartObject();
            JsonOutput.uuid(json, "tenant", failure.tenant());
            json.writeNumberField("attempts", failure.attempts());
            json.writeStringField("error", failure.error());
            JsonOutput.instant(json, "since", failure.since());
            json.writeEndObject();
        }
        json.writeEndArray();
    }

    private static void invalid(JsonGenerator json, List<InvalidEntity> invalid) throws IOException {
        List<InvalidEntity> sorted = new ArrayList<>(invalid);
        sorted.sort(BY_ENTITY);
        json.writeArrayFieldStart("invalidEntities");
        for (InvalidEntity entity : sorted) {
            json.writeStartObject();
            JsonOutput.uuid(json, "tenant", entity.tenant());
            json.writeStringField("kind", entity.kind().wireName());
            JsonOutput.uuid(json, "id", entity.id());
            json.writeStringField("name", entity.name());
            json.writeStringField("reason", entity.reason());
            json.writeEndObject();
        }
        json.writeEndArray();
    }
}
