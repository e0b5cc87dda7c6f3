package org.sipcity.sip.subsystem.managedbean;

import static org.jboss.logging.Logger.Level.DEBUG;
import static org.jboss.logging.Logger.Level.ERROR;
import static org.jboss.logging.Logger.Level.WARN;

import java.lang.invoke.MethodHandles;
import org.jboss.as.controller.OperationFailedException;
import org.jboss.logging.BasicLogger;
import org.jboss.logging.Logger;
import org.jboss.logging.annotations.Cause;
import org.jboss.logging.annotations.LogMessage;
import org.jboss.logging.annotations.Message;
import org.jboss.logging.annotations.MessageLogger;
import org.jboss.logging.annotations.ValidIdRange;

/** Messages of the application management beans, ids SIPCITY00100-00149 (the subsystem's own logger keeps below). */
@MessageLogger(projectCode = "SIPCITY", length = 5)
@ValidIdRange(min = 100, max = 149)
interface ManagedBeanLogger extends BasicLogger {

    ManagedBeanLogger LOGGER = Logger.getMessageLogger(MethodHandles.lookup(), ManagedBeanLogger.class,
            "org.sipcity.sip.subsystem.managedbean");

    @LogMessage(level = DEBUG)
    @Message(id = 100, value = "Managed bean %s of %s shown as managed-bean=%s")
    void beanShown(String objectName, String deployment, String name);

    @LogMessage(level = WARN)
    @Message(id = 101, value = "Managed bean %s of %s is not shown: another deployment shows managed-bean=%s with a different interface")
    void conflictingBeanType(String objectName, String deployment, String name);

    @LogMessage(level = WARN)
    @Message(id = 102, value = "Managed bean %s: %s %s is not shown (%s)")
    void featureSkipped(String objectName, String kind, String feature, String reason);

    @LogMessage(level = WARN)
    @Message(id = 103, value = "SIP application '%s' of %s left managed bean %s registered; unregistered at undeploy")
    void beanLeftRegistered(String application, String deployment, String objectName);

    @LogMessage(level = WARN)
    @Message(id = 104, value = "Managed bean %s could not be read or unregistered")
    void beanUnavailable(String objectName, @Cause Throwable cause);

    @LogMessage(level = ERROR)
    @Message(id = 105, value = "managed-bean=%s %s failed unexpectedly")
    void unexpectedFailure(String name, String operation, @Cause Throwable cause);

    @Message(id = 110, value = "managed-bean=%s %s: %s")
    OperationFailedException beanFailed(String name, String operation, String reason);

    @Message(id = 111, value = "managed-bean=%s %s: parameter %s: %s")
    OperationFailedException invalidParameter(String name, String operation, String parameter, String reason);

    @Message(id = 112, value = "managed-bean=%s is no longer registered")
    OperationFailedException beanGone(String name);

    @Message(id = 113, value = "managed-bean=%s %s failed: %s (details in the server log)")
    OperationFailedException beanFailedUnexpectedly(String name, String operation, String reason);
}
