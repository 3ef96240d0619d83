package io.confwatch.reload;

import java.util.Collection;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.UUID;
import java.util.stream.Stream;

/**
 * Queued reads in two lanes, each in arrival order: urgent (hints, sweeps, single reloads) and bulk (full reloads of
 * every tenant). A tenant is in one lane at most; asking urgently for a tenant queued in bulk moves it to urgent, so a
 * full reload of thousands of tenants never holds back a hint. Not thread-safe: the coordinator's context owns it.
 */
final class ReadQueue {
    private final Map<UUID, ReadRequest> urgent = new LinkedHashMap<>();
    private final Map<UUID, ReadRequest> bulk = new LinkedHashMap<>();

    /** The request queued for {@code tenant} in either lane, or null. */
    ReadRequest get(UUID tenant) {
        ReadRequest request = urgent.get(tenant);
        return request != null ? request : bulk.get(tenant);
    }

    /** The tenant's queued request, created in the lane asked for (or moved up to urgent) as needed. */
    ReadRequest request(UUID tenant, ReloadCause cause, boolean inBulk) {
        ReadRequest request = urgent.get(tenant);
        if (request != null) {
            return request;
        }
        if (inBulk) {
            return bulk.computeIfAbsent(tenant, t -> {
                ReadRequest created = new ReadRequest(cause);
                created.bulk = true;
                return created;
            });
        }
        request = bulk.remove(tenant);
        if (request == null) {
            request = new ReadRequest(cause);
        }
        request.bulk = false;
        urgent.put(tenant, request);
        return request;
    }

    /** Urgent requests waiting, the ones the pending bound applies to. */
    int urgentSize() {
        return urgent.size();
    }

    boolean isEmpty() {
        return urgent.isEmpty() && bulk.isEmpty();
    }

    boolean hasUrgent() {
        return !urgent.isEmpty();
    }

    /** The lane's entries in arrival order; removing through the iterator dequeues. */
    Iterator<Map.Entry<UUID, ReadRequest>> lane(boolean inBulk) {
        return (inBulk ? bulk : urgent).entrySet().iterator();
    }

    Collection<ReadRequest> all() {
        return Stream.concat(urgent.values().stream(), bulk.values().stream()).toList();
    }

    /** Every queued request with its tenant, urgent lane first. */
    void forEach(java.util.function.BiConsumer<UUID, ReadRequest> action) {
        urgent.forEach(action);
        bulk.forEach(action);
    }

    void clear() {
        urgent.clear();
        bulk.clear();
    }
}
