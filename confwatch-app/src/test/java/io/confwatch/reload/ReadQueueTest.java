package io.confwatch.reload;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.UUID;
import org.junit.jupiter.api.Test;

/** The two lanes: a tenant is in one at most, and asking urgently moves it up with everything it carried. */
class ReadQueueTest {
    private final ReadQueue queue = new ReadQueue();
    private final UUID tenant = UUID.randomUUID();

    @Test
    void bulkRequest_thenUrgentRequest_movesTheSameRequestUp() {
        ReadRequest bulk = queue.request(tenant, ReloadCause.FULL, true);
        bulk.forced = true;
        assertThat(bulk.bulk).isTrue();
        assertThat(queue.urgentSize()).isZero();
        assertThat(queue.lane(true).hasNext()).isTrue();

        ReadRequest urgent = queue.request(tenant, ReloadCause.NOTIFY, false);

        assertThat(urgent).isSameAs(bulk);
        assertThat(urgent.forced).isTrue();
        assertThat(urgent.bulk).isFalse();
        assertThat(queue.urgentSize()).isEqualTo(1);
        assertThat(queue.lane(true).hasNext()).isFalse();
        assertThat(queue.get(tenant)).isSameAs(urgent);
    }

    @Test
    void urgentRequest_thenBulkRequest_staysUrgent() {
        ReadRequest urgent = queue.request(tenant, ReloadCause.NOTIFY, false);

        assertThat(queue.request(tenant, ReloadCause.FULL, true)).isSameAs(urgent);
        assertThat(urgent.bulk).isFalse();
        assertThat(queue.lane(true).hasNext()).isFalse();
        assertThat(queue.all()).containsExactly(urgent);
    }

    @Test
    void clear_emptiesBothLanes() {
        queue.request(tenant, ReloadCause.NOTIFY, false);
        queue.request(UUID.randomUUID(), ReloadCause.FULL, true);

        queue.clear();

        assertThat(queue.isEmpty()).isTrue();
        assertThat(queue.hasUrgent()).isFalse();
    }
}
