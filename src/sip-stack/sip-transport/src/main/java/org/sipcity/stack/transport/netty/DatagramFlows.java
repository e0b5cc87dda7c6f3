package org.sipcity.stack.transport.netty;

import io.netty.channel.Channel;
import java.net.InetSocketAddress;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The UDP flows of one connector, by remote address. A flow is opened by the first datagram from an
 * address (or by an outbound send) and expires when nothing arrived from it within the idle timeout; UDP
 * has no close to tell us. Beyond the connector's maximum, datagrams from new addresses still get a flow,
 * but an untracked one: it serves this message and its answer, and is never found by id.
 */
public final class DatagramFlows {

    private final ConnectorRuntime runtime;
    private final ConcurrentHashMap<InetSocketAddress, DatagramFlow> byRemote = new ConcurrentHashMap<>();

    public DatagramFlows(ConnectorRuntime runtime) {
        this.runtime = runtime;
    }

    /** The flow of {@code remote}, opened on {@code channel} if none is tracked. */
    public DatagramFlow flowFor(Channel channel, InetSocketAddress remote) {
        DatagramFlow flow = byRemote.get(remote);
        if (flow != null) {
            return flow;
        }
        if (!runtime.tryAcquireConnection()) {
            runtime.metrics().untrackedDatagramFlow();
            return new DatagramFlow(runtime.name(), channel, remote, runtime.metrics(), null);
        }
        DatagramFlow created = new DatagramFlow(runtime.name(), channel, remote, runtime.metrics(), this);
        DatagramFlow raced = byRemote.putIfAbsent(remote, created);
        if (raced != null) {
            runtime.releaseConnectionSilently();
            return raced;
        }
        runtime.metrics().connectionOpened(false);
        runtime.flowTable().add(created);
        runtime.flowOpened(created);
        return created;
    }

    /** Records a keep-alive from {@code remote}: it keeps the flow, if there is one, from expiring. */
    public void touch(InetSocketAddress remote, long nowMillis) {
        DatagramFlow flow = byRemote.get(remote);
        if (flow != null) {
            flow.touch(nowMillis);
        }
    }

    /** Forgets flows that received nothing since {@code idleMillis}; runs periodically on an event loop. */
    public void expire(long nowMillis, long idleMillis) {
        for (DatagramFlow flow : byRemote.values()) {
            if (nowMillis - flow.lastActivityMillis() >= idleMillis) {
                remove(flow);
            }
        }
    }

    void remove(DatagramFlow flow) {
        if (byRemote.remove(flow.remoteAddress(), flow)) {
            flow.markClosed();
            runtime.flowTable().remove(flow);
            runtime.releaseConnection();
            runtime.flowClosed(flow);
        }
    }

    /** Forgets every flow, at connector stop. */
    public void closeAll() {
        for (DatagramFlow flow : byRemote.values()) {
            remove(flow);
        }
    }

    public int size() {
        return byRemote.size();
    }
}
