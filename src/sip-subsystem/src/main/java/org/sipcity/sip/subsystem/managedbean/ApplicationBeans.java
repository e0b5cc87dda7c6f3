package org.sipcity.sip.subsystem.managedbean;

import java.lang.management.ManagementFactory;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentSkipListMap;
import javax.management.InstanceNotFoundException;
import javax.management.JMException;
import javax.management.MBeanInfo;
import javax.management.MBeanServer;
import javax.management.MBeanServerDelegate;
import javax.management.MBeanServerNotification;
import javax.management.Notification;
import javax.management.NotificationFilter;
import javax.management.NotificationListener;
import javax.management.ObjectName;

/**
 * The management beans one SIP application has published: follows the MBean server's registration notifications
 * for names of the application, and at undeploy removes the listener and unregisters whatever the application left
 * registered (its classes must not stay reachable from the platform MBean server).
 */
final class ApplicationBeans implements NotificationListener {

    /** One bean shown: its JMX name and the description of its interface. */
    record Shown(ObjectName objectName, String description) {
    }

    /** Registration notifications of this application's names only. */
    private static final class ApplicationFilter implements NotificationFilter {
        private static final long serialVersionUID = 1L;
        private final String application;

        ApplicationFilter(String application) {
            this.application = application;
        }

        @Override
        public boolean isNotificationEnabled(Notification notification) {
            return notification instanceof MBeanServerNotification registration
                    && application.equals(ManagedBeanNames.application(registration.getMBeanName()));
        }
    }

    private final String application;
    private final String deployment;
    private final ManagedBeanTypes types;
    private final Map<String, Shown> shown = new ConcurrentSkipListMap<>();
    private final ApplicationFilter filter;

    ApplicationBeans(String application, String deployment, ManagedBeanTypes types) {
        this.application = application;
        this.deployment = deployment;
        this.types = types;
        this.filter = new ApplicationFilter(application);
    }

    /** Starts following registrations; beans registered already are shown at once. */
    void start() {
        MBeanServer server = ManagementFactory.getPlatformMBeanServer();
        try {
            server.addNotificationListener(MBeanServerDelegate.DELEGATE_NAME, this, filter, null);
        } catch (InstanceNotFoundException e) {
            throw new IllegalStateException(e);
        }
        for (ObjectName name : server.queryNames(ManagedBeanNames.ALL, null)) {
            if (application.equals(ManagedBeanNames.application(name))) {
                show(server, name);
            }
        }
    }

    /** Stops following, unregisters what the application left behind, and drops every registration it held. */
    void stop() {
        MBeanServer server = ManagementFactory.getPlatformMBeanServer();
        try {
            server.removeNotificationListener(MBeanServerDelegate.DELEGATE_NAME, this, filter, null);
        } catch (JMException e) {
            // Not registered: nothing to remove.
        }
        for (ObjectName name : server.queryNames(ManagedBeanNames.ALL, null)) {
            if (!application.equals(ManagedBeanNames.application(name))) {
                continue;
            }
            ManagedBeanLogger.LOGGER.beanLeftRegistered(application, deployment, name.toString());
            try {
                server.unregisterMBean(name);
            } catch (InstanceNotFoundException e) {
                // Gone meanwhile.
            } catch (JMException | RuntimeException e) {
                ManagedBeanLogger.LOGGER.beanUnavailable(name.toString(), e);
            }
        }
        synchronized (this) {
            shown.keySet().forEach(types::release);
            shown.clear();
        }
    }

    Map<String, Shown> shown() {
        return shown;
    }

    Set<String> names() {
        return shown.keySet();
    }

    @Override
    public void handleNotification(Notification notification, Object handback) {
        MBeanServerNotification registration = (MBeanServerNotification) notification;
        ObjectName name = registration.getMBeanName();
        if (MBeanServerNotification.REGISTRATION_NOTIFICATION.equals(registration.getType())) {
            show(ManagementFactory.getPlatformMBeanServer(), name);
        } else if (MBeanServerNotification.UNREGISTRATION_NOTIFICATION.equals(registration.getType())) {
            hide(name);
        }
    }

    private synchronized void show(MBeanServer server, ObjectName name) {
        if (ManagedBeanNames.application(name) == null) {
            return;
        }
        String beanName = ManagedBeanNames.beanName(name);
        Shown current = shown.get(beanName);
        if (current != null && current.objectName().equals(name)) {
            return;
        }
        MBeanInfo info;
        try {
            info = server.getMBeanInfo(name);
        } catch (JMException | RuntimeException e) {
            ManagedBeanLogger.LOGGER.beanUnavailable(name.toString(), e);
            return;
        }
        if (types.acquire(name, info, deployment)) {
            shown.put(beanName, new Shown(name, ManagedBeanType.description(info)));
        }
    }

    private synchronized void hide(ObjectName name) {
        String beanName = ManagedBeanNames.beanName(name);
        Shown current = shown.get(beanName);
        if (current != null && current.objectName().equals(name)) {
            shown.remove(beanName);
            types.release(beanName);
        }
    }
}
