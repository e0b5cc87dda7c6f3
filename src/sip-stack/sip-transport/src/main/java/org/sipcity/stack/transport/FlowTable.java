package org.sipcity.stack.transport;

import java.net.InetSocketAddress;
import java.util.Collection;
import java.util.Collections;
import java.util.EnumMap;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The open flows of all connectors, found by id (a flow token, RFC 5626 §5.3) or by transport and remote
 * address (RFC 3261 §18.2.2: a response goes back over the connection its request came on; RFC 5923
 * reuses an open connection for new requests to the same address).
 *
 * <p>The transports add a flow when it opens and remove it when it closes, before
 * {@link InboundHandler#onFlowClosed} runs. Lookups are lock-free reads of concurrent maps and may run on
 * any thread. When several connections lead to the same remote address, the last one opened is found by
 * address; every one is still found by id.
 *
 * <p>Kept small per flow, since it holds every idle connection: flows are keyed by their sequence number
 * ({@link FlowIds#sequenceOf}) rather than by their id text, and by the remote address in one map per transport
 * rather than under a composite key, so that neither an entry nor a lookup by address makes a key object.
 */
public final class FlowTable {

    private final ConcurrentHashMap<Long, Flow> bySequence = new ConcurrentHashMap<>();
    private final Map<TransportType, ConcurrentHashMap<InetSocketAddress, Flow>> byRemote =
            new EnumMap<>(TransportType.class);

    public FlowTable() {
        for (TransportType transport : TransportType.values()) {
            byRemote.put(transport, new ConcurrentHashMap<>());
        }
    }

    /** The open flow with this id, or {@code null}. */
    public Flow get(String id) {
        long sequence = FlowIds.sequenceOf(id);
        if (sequence < 0) {
            return null;
        }
        Flow flow = bySequence.get(sequence);
        return flow != null && flow.isOpen() && flow.transport() == FlowIds.transportOf(id) ? flow : null;
    }

    /** An open flow of this transport to this remote address, or {@code null}. */
    public Flow find(TransportType transport, InetSocketAddress remote) {
        Flow flow = byRemote.get(Objects.requireNonNull(transport, "transport"))
                .get(Objects.requireNonNull(remote, "remote"));
        return flow != null && flow.isOpen() ? flow : null;
    }

    /** Number of flows in the table. */
    public int size() {
        return bySequence.size();
    }

    /** A live, unmodifiable view of the flows, for management; iteration is weakly consistent. */
    public Collection<Flow> flows() {
        return Collections.unmodifiableCollection(bySequence.values());
    }

    /** Called by the transports when a flow opens. */
    public void add(Flow flow) {
        bySequence.put(sequenceOf(flow), flow);
        byRemote.get(flow.transport()).put(flow.remoteAddress(), flow);
    }

    /** Called by the transports when a flow closes; removes only this flow, never a newer one to the same address. */
    public void remove(Flow flow) {
        bySequence.remove(sequenceOf(flow), flow);
        byRemote.get(flow.transport()).remove(flow.remoteAddress(), flow);
    }

    private static long sequenceOf(Flow flow) {
        long sequence = FlowIds.sequenceOf(flow.id());
        if (sequence < 0) {
            throw new IllegalArgumentException("Not a flow id made by FlowIds: " + flow.id());
        }
        return sequence;
    }
}
