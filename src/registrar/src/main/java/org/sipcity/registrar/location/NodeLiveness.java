package org.sipcity.registrar.location;

/**
 * Which cluster nodes are alive (docs/CLUSTERING.md, "Losing a node"): a binding owned by a node that is not is
 * unusable, since its flow, and the Path through its owner, died with that node; lookups skip it. In the clustered
 * server the answer comes from the group membership (package {@code org.sipcity.registrar.cluster}); on a single
 * node every binding is usable.
 */
@FunctionalInterface
public interface NodeLiveness {

    /** One node: nobody else's bindings to judge. */
    NodeLiveness SINGLE_NODE = node -> true;

    /** Whether node {@code node} is a member of the cluster now. */
    boolean isAlive(String node);
}
