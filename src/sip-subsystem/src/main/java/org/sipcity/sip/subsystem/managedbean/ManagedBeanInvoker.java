package org.sipcity.sip.subsystem.managedbean;

import java.lang.management.ManagementFactory;
import javax.management.InstanceNotFoundException;
import javax.management.JMException;
import javax.management.MBeanException;
import javax.management.MBeanServer;
import javax.management.ObjectName;
import javax.management.ReflectionException;
import javax.management.RuntimeErrorException;
import javax.management.RuntimeMBeanException;
import javax.management.RuntimeOperationsException;
import org.jboss.as.controller.OperationFailedException;

/**
 * Calls into an application's MBean from a management operation: with the application's class loader as context
 * class loader (its JPA and CDI code expects it), and with every failure turned into a management failure. What the
 * application throws as {@link IllegalArgumentException}, {@link IllegalStateException} or
 * {@link UnsupportedOperationException} is a refusal and its message is the failure description ("no such
 * subscriber"); anything else is a fault, logged with its stack trace and reported by class and message.
 */
final class ManagedBeanInvoker {

    @FunctionalInterface
    interface Call<T> {
        T run(MBeanServer server) throws JMException;
    }

    <T> T call(ObjectName objectName, String beanName, String what, Call<T> call) throws OperationFailedException {
        MBeanServer server = ManagementFactory.getPlatformMBeanServer();
        Thread thread = Thread.currentThread();
        ClassLoader previous = thread.getContextClassLoader();
        try {
            thread.setContextClassLoader(server.getClassLoaderFor(objectName));
            return call.run(server);
        } catch (InstanceNotFoundException e) {
            throw ManagedBeanLogger.LOGGER.beanGone(beanName);
        } catch (JMException | RuntimeException | Error e) {
            Throwable cause = unwrap(e);
            if (cause instanceof IllegalArgumentException || cause instanceof IllegalStateException
                    || cause instanceof UnsupportedOperationException) {
                String message = cause.getMessage();
                throw ManagedBeanLogger.LOGGER.beanFailed(beanName, what, message == null ? cause.getClass().getSimpleName() : message);
            }
            ManagedBeanLogger.LOGGER.unexpectedFailure(beanName, what, cause);
            throw ManagedBeanLogger.LOGGER.beanFailedUnexpectedly(beanName, what, cause.toString());
        } finally {
            thread.setContextClassLoader(previous);
        }
    }

    /** The application's own exception inside the MBean server's wrappers. */
    private static Throwable unwrap(Throwable thrown) {
        Throwable current = thrown;
        for (int depth = 0; depth < 5; depth++) {
            Throwable inner;
            if (current instanceof RuntimeMBeanException e) {
                inner = e.getTargetException();
            } else if (current instanceof RuntimeErrorException e) {
                inner = e.getTargetError();
            } else if (current instanceof RuntimeOperationsException e) {
                inner = e.getTargetException();
            } else if (current instanceof MBeanException e) {
                inner = e.getTargetException();
            } else if (current instanceof ReflectionException e) {
                inner = e.getTargetException();
            } else if (current instanceof java.lang.reflect.UndeclaredThrowableException e) {
                inner = e.getUndeclaredThrowable();
            } else {
                return current;
            }
            if (inner == null || inner == current) {
                return current;
            }
            current = inner;
        }
        return current;
    }
}
