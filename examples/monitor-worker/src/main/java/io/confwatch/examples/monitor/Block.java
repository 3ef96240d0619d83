package io.confwatch.examples.monitor;

import java.util.ArrayList;
import java.util.List;

/** A synthetic block: what a real worker would read from a node, made up here from the height alone. */
public record Block(String network, long height, List<Transfer> transfers) {
    private static final List<String> ADDRESSES = List.of("0xa0b8", "0xc02a", "0xdac1", "0x6b17");

    /** One transfer of a block. */
    public record Transfer(String from, String to, long value) {}

    /** The block at {@code height}: a few transfers with values spread over 0–9999. */
    public static Block synthetic(String network, long height) {
        List<Transfer> transfers = new ArrayList<>();
        for (int i = 0; i < 8; i++) {
            long value = Math.floorMod(height * 7_919 + i * 104_729L, 10_000);
            transfers.add(new Transfer(
                    ADDRESSES.get((int) ((height + i) % ADDRESSES.size())),
                    ADDRESSES.get((int) ((height + i + 1) % ADDRESSES.size())),
                    value));
        }
        return new Block(network, height, List.copyOf(transfers));
    }
}
