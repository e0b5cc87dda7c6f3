package org.sipcity.registrar.management;

import java.lang.management.ManagementFactory;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;

import jakarta.annotation.PostConstruct;
import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.context.Initialized;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;

import javax.management.InstanceAlreadyExistsException;
import javax.management.JMException;
import javax.management.MBeanServer;
import javax.management.ObjectName;

import org.jboss.logging.Logger;
import org.sipcity.registrar.location.jpa.JpaLocationService;
import org.sipcity.registrar.registration.Registrar;
import org.sipcity.registrar.subscriber.SubscriberStore;

/**
 * Publishes the registrar's management beans in the platform MBean server when the application starts and takes
 * them away when it stops. The names follow the sip subsystem's convention,
 * {@code org.sipcity.sip:application=<SIP application name>,name=<bean>}, so the server shows them as
 * {@code managed-bean} resources of the deployment.
 */
@ApplicationScoped
public class ManagementBeans {

    /** The {@code @SipApplication} name (servlet/package-info.java). */
    public static final String APPLICATION = "sipcity-registrar";

    private static final Logger LOG = Logger.getLogger(ManagementBeans.class);

    @Inject
    Registrar registrar;
    @Inject
    JpaLocationService locations;
    @Inject
    SubscriberStore subscribers;

    private final List<ObjectName> registered = new ArrayList<>();

    /** Starts with the application: CDI makes this bean when the application context is initialised. */
    void start(@Observes @Initialized(ApplicationScoped.class) Object event) {
        LOG.debugf("management beans %s published", registered);
    }

    @PostConstruct
    void publish() {
        register("registrations", new RegistrationsAdmin(registrar, locations, Clock.systemUTC()));
        register("subscribers", new SubscribersAdmin(subscribers));
    }

    @PreDestroy
    void withdraw() {
        MBeanServer server = ManagementFactory.getPlatformMBeanServer();
        for (ObjectName name : registered) {
            try {
                server.unregisterMBean(name);
            } catch (JMException e) {
                LOG.debugf("management bean %s was gone already", name);
            }
        }
        registered.clear();
    }

    /** {@code org.sipcity.sip:application=sipcity-registrar,name=<bean>}; bean names are plain words. */
    public static ObjectName objectName(String bean) {
        try {
            return new ObjectName("org.sipcity.sip:application=" + APPLICATION + ",name=" + bean);
        } catch (JMException e) {
            throw new IllegalArgumentException(bean, e);
        }
    }

    private void register(String bean, Object implementation) {
        MBeanServer server = ManagementFactory.getPlatformMBeanServer();
        ObjectName name = objectName(bean);
        try {
            try {
                server.registerMBean(implementation, name);
            } catch (InstanceAlreadyExistsException e) {
                // Left by an earlier deployment of this application that did not stop cleanly.
                server.unregisterMBean(name);
                server.registerMBean(implementation, name);
            }
            registered.add(name);
        } catch (JMException e) {
            LOG.errorf(e, "management bean %s not published; administer the registrar through the database", name);
        }
    }
}
