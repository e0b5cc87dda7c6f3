package org.sipcity.registrar.servlet;

import java.time.Clock;
import java.util.concurrent.ConcurrentMap;

import javax.naming.InitialContext;
import javax.naming.NameNotFoundException;
import javax.naming.NamingException;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Disposes;
import jakarta.enterprise.inject.Produces;
import jakarta.inject.Singleton;
import jakarta.persistence.EntityManagerFactory;
import jakarta.persistence.PersistenceUnit;

import org.jboss.logging.Logger;
import org.sipcity.registrar.auth.DigestAuthenticator;
import org.sipcity.registrar.auth.NonceCountTracker;
import org.sipcity.registrar.auth.NonceService;
import org.sipcity.registrar.cluster.GroupLiveness;
import org.sipcity.registrar.location.BindingVersions;
import org.sipcity.registrar.location.jpa.JpaLocationService;
import org.sipcity.registrar.location.jpa.RefreshDeferral;
import org.sipcity.registrar.location.jpa.WriteMode;
import org.sipcity.registrar.proxy.LocalTargets;
import org.sipcity.registrar.proxy.ProxyPolicy;
import org.sipcity.registrar.registration.Registrar;
import org.sipcity.registrar.registration.RegistrationService;
import org.sipcity.registrar.subscriber.SubscriberStore;

/**
 * CDI wiring: the plain classes of the application built once, from {@link RegistrarSettings}, on the server's
 * persistence unit {@code sipcity}. The location service is closed (write-back flushed) when the application stops.
 * Produced beans are {@code @Singleton}: the classes are final and need no client proxy.
 * <p>
 * In the clustered server (docs/CLUSTERING.md) the name {@value #CLUSTER_VERSIONS} is bound, by a
 * {@code resource-env-ref} the server's configuration adds to this application, to the replicated cache of binding
 * stamps; the application sees it only as a {@link ConcurrentMap}. Absent, the registrar runs as a single node.
 * There the name {@value #CLUSTER_GROUP} is bound as well, to WildFly's group membership of the same channel, which
 * only package {@code org.sipcity.registrar.cluster} touches: lookups skip the bindings of nodes that left.
 */
@ApplicationScoped
public class RegistrarBeans {

    static final String CLUSTER_VERSIONS = "java:global/sipcity/binding-versions";
    static final String CLUSTER_GROUP = "java:global/sipcity/cluster-group";
    private static final Logger LOG = Logger.getLogger(RegistrarBeans.class);

    @PersistenceUnit(unitName = "sipcity")
    EntityManagerFactory factory;

    @Produces
    @Singleton
    RegistrarSettings settings() {
        return RegistrarSettings.from(System.getProperties());
    }

    @Produces
    @Singleton
    JpaLocationService locationService(RegistrarSettings settings) {
        BindingVersions versions = clusterVersions();
        if (versions.isShared()) {
            if (settings.writeMode() != WriteMode.WRITE_THROUGH) {
                // Two nodes' write-back snapshots of one AOR would overwrite each other's rows (docs/CLUSTERING.md).
                throw new IllegalStateException("the registrar shares its bindings with other nodes ("
                        + CLUSTER_VERSIONS + " is bound): set sipcity.registrar.write-mode=write-through");
            }
            // WildFly's node name: unique in the cluster (JGroups needs it so), stable across restarts of the node.
            String node = System.getProperty("jboss.node.name");
            if (node == null || node.isBlank()) {
                throw new IllegalStateException("a clustered registrar needs the system property jboss.node.name");
            }
            LOG.infof("location service of node %s shared with the cluster through %s (write-through)", node,
                    CLUSTER_VERSIONS);
            JpaLocationService service = JpaLocationService.writeThrough(factory, versions, node);
            service.followMembership(GroupLiveness.lookup(CLUSTER_GROUP, leaver -> {
                int released = service.releaseFlowsOf(leaver);
                LOG.infof("node %s left the cluster: %d of its outbound-flow bindings removed by this node, the"
                        + " coordinator", leaver, released);
            }));
            return service;
        }
        if (settings.writeMode() == WriteMode.WRITE_THROUGH) {
            return JpaLocationService.writeThrough(factory);
        }
        return JpaLocationService.writeBack(factory, settings.flushInterval(), settings.maxDirty(),
                new RefreshDeferral(settings.storedExpiryLagPercent(), settings.flushInterval(), Clock.systemUTC()));
    }

    @SuppressWarnings("unchecked")
    private static BindingVersions clusterVersions() {
        try {
            Object stamps = new InitialContext().lookup(CLUSTER_VERSIONS);
            return BindingVersions.shared((ConcurrentMap<String, Long>) stamps);
        } catch (NameNotFoundException e) {
            return BindingVersions.SINGLE_NODE;
        } catch (NamingException e) {
            throw new IllegalStateException(CLUSTER_VERSIONS + " could not be looked up", e);
        }
    }

    void closeLocationService(@Disposes JpaLocationService locations) {
        locations.close();
    }

    @Produces
    @Singleton
    BindingReaper reaper(JpaLocationService locations, RegistrarSettings settings) {
        return new BindingReaper(locations, Clock.systemUTC(), settings.reapInterval(), settings.reapBatch());
    }

    void stopReaper(@Disposes BindingReaper reaper) {
        reaper.close();
    }

    @Produces
    @Singleton
    SubscriberStore subscriberStore() {
        return new SubscriberStore(factory);
    }

    /**
     * One authenticator for REGISTER (401) and proxied requests (407): one nonce secret and one nonce-count tracker,
     * so a nonce is good for either. Absent (null) when authentication is off.
     */
    @Produces
    @Singleton
    Authentication authentication(RegistrarSettings settings, SubscriberStore subscribers) {
        return new Authentication(settings.authenticate()
                ? new DigestAuthenticator(subscribers, new NonceService(settings.nonceSecret(), settings.nonceLifetime()),
                        new NonceCountTracker(settings.nonceTrackerSize()), settings.digestAlgorithms())
                : null);
    }

    /** One registrar: its per-AOR locks are shared by REGISTER handling and administration. */
    @Produces
    @Singleton
    Registrar registrar(RegistrarSettings settings, JpaLocationService locations) {
        return new Registrar(settings.policy(), locations);
    }

    @Produces
    @Singleton
    RegistrationService registrationService(Registrar registrar, Authentication authentication, BindingReaper reaper) {
        // The reaper parameter only makes it start with the service.
        return new RegistrationService(registrar, authentication.authenticator(), Clock.systemUTC());
    }

    @Produces
    @Singleton
    ProxyPolicy proxyPolicy(RegistrarSettings settings, Authentication authentication) {
        return new ProxyPolicy(settings.policy().domains(), authentication.authenticator(), settings.proxyNextHop(),
                Clock.systemUTC());
    }

    @Produces
    @Singleton
    LocalTargets localTargets(JpaLocationService locations, SubscriberStore subscribers, BindingReaper reaper) {
        return new LocalTargets(locations, subscribers);
    }

    /** The digest authenticator, or null for an open server; a holder because CDI producers may not return null. */
    record Authentication(DigestAuthenticator authenticator) {
    }
}
