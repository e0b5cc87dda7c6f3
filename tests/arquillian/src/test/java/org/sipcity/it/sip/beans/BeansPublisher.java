package org.sipcity.it.sip.beans;

import jakarta.annotation.PostConstruct;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.context.Initialized;
import jakarta.enterprise.event.Observes;
import java.lang.management.ManagementFactory;
import java.util.Map;
import javax.management.JMException;
import javax.management.MBeanServer;
import javax.management.ObjectName;

/**
 * Registers {@code counter} and {@code totals} under {@code org.sipcity.sip:application=beans-app} when the
 * application starts, and on purpose never unregisters them: the subsystem must.
 */
@ApplicationScoped
public class BeansPublisher {

    void start(@Observes @Initialized(ApplicationScoped.class) Object event) {
        // Observing the event makes CDI create the bean at application start.
    }

    @PostConstruct
    void publish() {
        MBeanServer server = ManagementFactory.getPlatformMBeanServer();
        try {
            Counter counter = new Counter();
            server.registerMBean(counter, new ObjectName("org.sipcity.sip:application=beans-app,name=counter"));
            TotalsMXBean totals = () -> Map.of("adds", counter.getValue(), "limit", 100L);
            server.registerMBean(totals, new ObjectName("org.sipcity.sip:application=beans-app,name=totals"));
        } catch (JMException e) {
            throw new IllegalStateException(e);
        }
    }
}
