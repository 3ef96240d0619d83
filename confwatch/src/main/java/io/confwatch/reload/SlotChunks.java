package io.confwatch.reload;

import java.util.Arrays;

/**
 * Splits a sharded worker's owned slots into the pages of a full load: each page reads the tenants of a run of slots,
 * sized from how many tenants the slots read so far held, so that a page holds about one batch of tenants whatever
 * the tenant count. The first page is one slot; each page at most doubles the last.
 */
final class SlotChunks {
    private final int[] slots;
    private final int batchSize;
    private int next;
    private int lastChunk;
    private long tenantsRead;

    /** Pages over {@code slots} (ascending) of about {@code batchSize} tenants each. */
    SlotChunks(int[] slots, int batchSize) {
        if (batchSize < 1) {
            throw new IllegalArgumentException("batch size must be positive: " + batchSize);
        }
        this.slots = slots.clone();
        this.batchSize = batchSize;
    }

    /** Whether slots remain to be read. */
    boolean hasNext() {
        return next < slots.length;
    }

    /** The next run of slots to read, after the previous run held {@code tenantsInLast} tenants. */
    int[] next(int tenantsInLast) {
        if (!hasNext()) {
            throw new IllegalStateException("no slots left");
        }
        tenantsRead += tenantsInLast;
        int size;
        if (next == 0) {
            size = 1;
        } else {
            // Slots per batch, as the slots read so far held tenants; an empty start counts as half a tenant per slot.
            double perSlot = Math.max(tenantsRead, 0.5) / next;
            size = (int) Math.max(1, Math.min(2L * lastChunk, Math.round(batchSize / perSlot)));
        }
        size = Math.min(size, slots.length - next);
        int[] chunk = Arrays.copyOfRange(slots, next, next + size);
        next += size;
        lastChunk = size;
        return chunk;
    }
}
