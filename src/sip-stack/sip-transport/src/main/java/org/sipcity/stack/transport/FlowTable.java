package org.sipcity.stack.transport;

import java.net.InetSocketAddress;
import java.util.Collection;
import java.util.Collections;
import java.util.EnumMap;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
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
 * <p>Kept small per flow, since it holds every idle connection: the flows themselves are the set of open flows (no
 * key object: a lookup by id, a management operation, walks it), and the remote address keys them in one map per
 * transport rather than under a composite key, so that neither an entry nor a lookup by address makes a key object.
 */
public final class FlowTable {

    private final Set<Flow> open = ConcurrentHashMap.newKeySet();
    private final Map<TransportType, ConcurrentHashMap<InetSocketAddress, Flow>> byRemote =
            new EnumMap<>(TransportType.class);

    public FlowTable() {
        for (TransportType transport : TransportType.values()) {
            byRemote.put(transport, new ConcurrentHashMap<>());
        }
    }

    /**
     * The open flow with this id, or {@code null}. A walk over every flow, for management (an operator closing one
     * flow): tens of milliseconds over 300,000 flows, and no message path looks flows up by id.
     */
    public Flow get(String id) {
        if (FlowIds.sequenceOf(id) < 0) {
            return null;
        }
        for (Flow flow : open) {
            if (flow.id().equals(id)) {
                return flow.isOpen() ? flow : null;
            }
        }
        return null;
    }

    /** An open flow of this transport to this remote address, or {@code null}. */
    public Flow find(TransportType transport, InetSocketAddress remote) {
        Flow flow = byRemote.get(Objects.requireNonNull(transport, "transport"))
                .get(Objects.requireNonNull(remote, "remote"));
        return flow != null && flow.isOpen() ? flow : null;
    }

    /** Number of flows in the table. */
    public int size() {
        return open.size();
    }

    /** A live, unmodifiable view of the flows, for management; iteration is weakly consistent. */
    public Collection<Flow> flows() {
        return Collections.unmodifiableCollection(open);
    }

    /** Called by the transports when a flow opens. */
    public void add(Flow flow) {
        open.add(flow);
        byRemote.get(flow.transport()).put(flow.remoteAddress(), flow);
    }

    /** Called by the transports when a flow closes; removes only this flow, never a newer one to the same address. */
    public void remove(Flow flow) {
        open.remove(flow);
        byRemote.get(flow.transport()).remove(flow.remoteAddress(), flow);
    }
}
