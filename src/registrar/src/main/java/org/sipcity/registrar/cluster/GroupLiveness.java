package org.sipcity.registrar.cluster;

import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.function.Consumer;
import java.util.stream.Collectors;

import javax.naming.InitialContext;
import javax.naming.NamingException;

import org.jboss.logging.Logger;
import org.sipcity.registrar.location.NodeLiveness;
import org.wildfly.clustering.server.Group;
import org.wildfly.clustering.server.GroupMember;
import org.wildfly.clustering.server.GroupMembership;
import org.wildfly.clustering.server.GroupMembershipEvent;
import org.wildfly.clustering.server.GroupMembershipListener;
import org.wildfly.clustering.server.GroupMembershipMergeEvent;
import org.wildfly.clustering.server.Registration;

/**
 * Node liveness from WildFly's group membership (the JGroups view of the channel the cluster's caches use): a node is
 * alive while it is a member. The only class of the registrar that uses WildFly's clustering API.
 * <p>
 * Every node learns a view change at once and its lookups stop offering the leavers' bindings from then on. The
 * view's coordinator alone, chosen by JGroups identically on every node, also clears each leaver's flow bindings from
 * the shared table ({@code onLeft}), off the view thread, so that the database does not keep rows no node can use.
 */
public final class GroupLiveness implements NodeLiveness, AutoCloseable {

    private static final Logger LOG = Logger.getLogger(GroupLiveness.class);

    private final Group<GroupMember> group;
    private final Consumer<String> clearLeaver;
    private final ExecutorService cleaner;
    private final Registration registration;
    /** The member names of the current view; replaced whole at each view change (read without locking). */
    private volatile Set<String> members;

    /**
     * The liveness of the group bound under {@code jndiName} (in the clustered server, a {@code resource-env-ref} to
     * WildFly's group of the channel "ee").
     *
     * @param clearLeaver run on the coordinator for each node that left the view: clears its bindings from the table
     */
    @SuppressWarnings("unchecked")
    public static NodeLiveness lookup(String jndiName, Consumer<String> clearLeaver) {
        Object group;
        try {
            group = new InitialContext().lookup(jndiName);
        } catch (NamingException e) {
            throw new IllegalStateException("the cluster's group membership is not bound at " + jndiName, e);
        }
        return new GroupLiveness((Group<GroupMember>) group, clearLeaver);
    }

    GroupLiveness(Group<GroupMember> group, Consumer<String> clearLeaver) {
        this.group = Objects.requireNonNull(group, "group");
        this.clearLeaver = Objects.requireNonNull(clearLeaver, "clearLeaver");
        this.cleaner = Executors.newSingleThreadExecutor(r -> {
            Thread t = new Thread(r, "sipcity-cluster-leavers");
            t.setDaemon(true);
            return t;
        });
        this.members = names(group.getMembership());
        this.registration = group.register(new GroupMembershipListener<>() {
            @Override
            public void updated(GroupMembershipEvent<GroupMember> event) {
                viewChanged(event);
            }

            @Override
            public void merged(GroupMembershipMergeEvent<GroupMember> event) {
                viewChanged(event);
            }
        });
        LOG.infof("node %s: cluster members %s", group.getLocalMember().getName(), members);
    }

    @Override
    public boolean isAlive(String node) {
        return members.contains(node);
    }

    private void viewChanged(GroupMembershipEvent<GroupMember> event) {
        GroupMembership<GroupMember> current = event.getCurrentMembership();
        Set<String> now = names(current);
        Set<String> before = members;
        members = now;
        List<String> left = before.stream().filter(name -> !now.contains(name)).sorted().toList();
        if (left.isEmpty()) {
            LOG.infof("cluster members now %s", now);
            return;
        }
        LOG.infof("node(s) %s left the cluster: their bindings are no longer offered; members now %s", left, now);
        if (current.getCoordinator() != null && current.getCoordinator().equals(group.getLocalMember())) {
            for (String node : left) {
                cleaner.execute(() -> clear(node));
            }
        }
    }

    private void clear(String node) {
        try {
            clearLeaver.accept(node);
        } catch (RuntimeException e) {
            // The lookups skip the rows anyway; they expire, or the node clears them when it comes back.
            LOG.warnf(e, "bindings of node %s, which left the cluster, not cleared from the database", node);
        }
    }

    private static Set<String> names(GroupMembership<GroupMember> membership) {
        return membership.getMembers().stream().map(GroupMember::getName).collect(Collectors.toUnmodifiableSet());
    }

    @Override
    public void close() {
        registration.close();
        cleaner.shutdown();
    }
}
