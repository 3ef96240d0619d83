package io.confwatch.examples.monitor;

import java.util.UUID;

/** A monitor fired: which tenant's monitor, on which block and transfer, under which rule. */
public record Alert(UUID tenant, String monitor, long configVersion, MonitorRule rule, Block block, Block.Transfer transfer) {}
