package io.confwatch.reload;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class SlicesTest {
    private final Vertx vertx = Vertx.vertx();
    private final Context context = vertx.getOrCreateContext();

    @AfterEach
    void close() throws Exception {
        vertx.close().await(10, TimeUnit.SECONDS);
    }

    @Test
    void forEach_letsTheContextsOtherEventsInBetweenSlices_inOrder() throws Exception {
        List<Integer> items = IntStream.range(0, 25).boxed().toList();
        List<String> seen = new ArrayList<>();

        Future<Void> done = onContext(() -> {
            // An event queued on the context before the loop: it runs after the first slice, not after the last item.
            context.runOnContext(v -> seen.add("other event"));
            return Slices.forEach(context, items, 10, item -> seen.add(String.valueOf(item)));
        });
        done.toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);

        List<String> expected = new ArrayList<>();
        IntStream.range(0, 10).forEach(i -> expected.add(String.valueOf(i)));
        expected.add("other event");
        IntStream.range(10, 25).forEach(i -> expected.add(String.valueOf(i)));
        assertThat(seen).containsExactlyElementsOf(expected);
    }

    @Test
    void forEach_aStepThrows_failsWithIt_andVisitsNothingAfter() throws Exception {
        List<Integer> seen = new ArrayList<>();

        Future<Void> done = onContext(() -> Slices.forEach(context, List.of(1, 2, 3, 4, 5), 2, item -> {
            if (item == 3) {
                throw new IllegalStateException("item 3");
            }
            seen.add(item);
        }));

        assertThatThrownBy(() -> done.toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS))
                .isInstanceOf(ExecutionException.class)
                .hasRootCauseMessage("item 3");
        assertThat(seen).containsExactly(1, 2);
    }

    @Test
    void forEach_noItems_completes() throws Exception {
        assertThat(onContext(() -> Slices.forEach(context, List.of(), 10, item -> {}))
                        .succeeded())
                .isTrue();
    }

    private <T> Future<T> onContext(java.util.function.Supplier<Future<T>> action) throws Exception {
        CompletableFuture<Future<T>> result = new CompletableFuture<>();
        context.runOnContext(v -> result.complete(action.get()));
        return result.get(10, TimeUnit.SECONDS);
    }
}
