package io.confwatch.reload;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalStateException;

import java.util.ArrayList;
import java.util.List;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

class SlotChunksTest {
    private static final int[] SLOTS =
            IntStream.range(0, 4096).map(slot -> slot * 4).toArray();

    @Test
    void next_manyTenantsPerSlot_pagesOfAboutOneBatch() {
        // 60 tenants per slot (1,000,000 tenants over 16,384 slots), batches of 500: about 8 slots a page.
        List<int[]> pages = pages(60, 500);

        assertThat(pages.get(0)).containsExactly(0);
        assertThat(pages.subList(5, pages.size() - 1))
                .allSatisfy(page -> assertThat(page.length).isEqualTo(8));
        assertThat(pages.stream().flatMapToInt(IntStream::of).toArray()).containsExactly(SLOTS);
    }

    @Test
    void next_fewTenantsPerSlot_growsByDoublingUpToTheBatch() {
        // About one tenant per slot (20,000 tenants): a page is about 500 slots, reached by doubling from one.
        List<int[]> pages = pages(1, 500);

        assertThat(pages.subList(0, 5)).extracting(page -> page.length).containsExactly(1, 2, 4, 8, 16);
        assertThat(pages.get(pages.size() - 2).length).isEqualTo(500);
        assertThat(pages.stream().mapToInt(page -> page.length).sum()).isEqualTo(SLOTS.length);
    }

    @Test
    void next_emptySlots_stillCoversEverySlotInFewPages() {
        List<int[]> pages = pages(0, 500);

        assertThat(pages.stream().mapToInt(page -> page.length).sum()).isEqualTo(SLOTS.length);
        assertThat(pages).hasSizeLessThan(16);
    }

    @Test
    void next_afterTheLastSlot_throws() {
        SlotChunks chunks = new SlotChunks(new int[] {7}, 10);
        assertThat(chunks.next(0)).containsExactly(7);
        assertThat(chunks.hasNext()).isFalse();

        assertThatIllegalStateException().isThrownBy(() -> chunks.next(0));
    }

    /** The pages over {@link #SLOTS} when every slot holds {@code perSlot} tenants. */
    private static List<int[]> pages(int perSlot, int batchSize) {
        SlotChunks chunks = new SlotChunks(SLOTS, batchSize);
        List<int[]> pages = new ArrayList<>();
        int inLast = 0;
        while (chunks.hasNext()) {
            int[] page = chunks.next(inLast);
            pages.add(page);
            inLast = page.length * perSlot;
        }
        return pages;
    }
}
