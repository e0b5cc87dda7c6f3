package org.sipcity.stack.transport;

import java.net.InetSocketAddress;
import java.util.Collection;
import java.util.Collections;
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
 */
public final class FlowTable {

    private final ConcurrentHashMap<String, Flow> byId = new ConcurrentHashMap<>();
    private final ConcurrentHashMap<Key, Flow> byRemote = new ConcurrentHashMap<>();

    /** The open flow with this id, or {@code null}. */
    public Flow get(String id) {
        if (id == null) {
            return null;
        }
        Flow flow = byId.get(id);
        return flow != null && flow.isOpen() ? flow : null;
    }

    /** An open flow of this transport to this remote address, or {@code null}. */
    public Flow find(TransportType transport, InetSocketAddress remote) {
        Flow flow = byRemote.get(new Key(transport, remote));
        return flow != null && flow.isOpen() ? flow : null;
    }

    /** Number of flows in the table. */
    public int size() {
        return byId.size();
    }

    /** A live, unmodifiable view of the flows, for management; iteration is weakly consistent. */
    public Collection<Flow> flows() {
        return Collections.unmodifiableCollection(byId.values());
    }

    /** Called by the transports when a flow opens. */
    public void add(Flow flow) {
        byId.put(flow.id(), flow);
        byRemote.put(new Key(flow.transport(), flow.remoteAddress()), flow);
    }

    /** Called by the transports when a flow closes; removes only this flow, never a newer one to the same address. */
    public void remove(Flow flow) {
        byId.remove(flow.id(), flow);
        byRemote.remove(new Key(flow.transport(), flow.remoteAddress()), flow);
    }

    private record Key(TransportType transport, InetSocketAddress remote) {
        Key {
            Objects.requireNonNull(transport, "transport");
            Objects.requireNonNull(remote, "remote");
        }
    }
}
