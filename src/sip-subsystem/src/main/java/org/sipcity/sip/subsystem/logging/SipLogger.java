package org.sipcity.sip.subsystem.logging;

import static org.jboss.logging.Logger.Level.INFO;
import static org.jboss.logging.Logger.Level.WARN;

import java.lang.invoke.MethodHandles;
import org.jboss.as.controller.OperationFailedException;
import org.jboss.as.server.deployment.DeploymentUnitProcessingException;
import org.jboss.logging.BasicLogger;
import org.jboss.logging.Logger;
import org.jboss.logging.annotations.Cause;
import org.jboss.logging.annotations.LogMessage;
import org.jboss.logging.annotations.Message;
import org.jboss.logging.annotations.MessageLogger;

/** Log messages and management failures of the sip subsystem, with stable ids (SIPCITY0xxxx). */
@MessageLogger(projectCode = "SIPCITY", length = 5)
public interface SipLogger extends BasicLogger {

    SipLogger ROOT_LOGGER = Logger.getMessageLogger(MethodHandles.lookup(), SipLogger.class, "org.sipcity.sip.subsystem");

    @LogMessage(level = INFO)
    @Message(id = 1, value = "Activating the SIP subsystem")
    void activatingSubsystem();

    @LogMessage(level = INFO)
    @Message(id = 2, value = "SIP stack started: %d event loops (%s), %s")
    void stackStarted(int eventLoops, String transport, String transactions);

    @LogMessage(level = WARN)
    @Message(id = 3, value = "Native epoll transport is not available here; the SIP connectors use NIO")
    void epollUnavailable(@Cause Throwable cause);

    @LogMessage(level = INFO)
    @Message(id = 4, value = "SIP application '%s' of %s deployed")
    void applicationDeployed(String application, String deployment);

    @LogMessage(level = INFO)
    @Message(id = 5, value = "SIP application '%s' of %s undeployed")
    void applicationUndeployed(String application, String deployment);

    @Message(id = 15, value = "%s is not a valid SIP application: %s")
    DeploymentUnitProcessingException invalidSipApplication(String deployment, String reason, @Cause Throwable cause);

    @Message(id = 10, value = "Invalid SIP timer settings: %s")
    OperationFailedException invalidTimers(String reason);

    @Message(id = 11, value = "SIP connector '%s' uses transport tls and needs an ssl-context")
    OperationFailedException tlsNeedsSslContext(String connector);

    @Message(id = 12, value = "SIP connector '%s' uses transport %s: ssl-context applies to tls only")
    OperationFailedException sslContextOnlyForTls(String connector, String transport);

    @Message(id = 13, value = "SIP connector '%s': write-buffer-low-water-mark %d exceeds write-buffer-high-water-mark %d")
    OperationFailedException waterMarksInverted(String connector, int low, int high);

    @Message(id = 14, value = "Unknown SIP transport '%s': expected udp, tcp or tls")
    OperationFailedException unknownTransport(String transport);

    // 20-29: the overload valve

    @Message(id = 20, value = "Invalid overload valve settings: %s")
    OperationFailedException invalidOverloadSettings(String reason);

    @Message(id = 21, value = "Overload valve class %s (module %s) cannot be used: %s")
    OperationFailedException invalidOverloadValve(String className, String module, String reason);

    @Message(id = 22, value = "Overload valve class %s has neither a public (OverloadSettings, WorkerQueueLoad) constructor nor a public one without parameters")
    String overloadValveWithoutConstructor(String className);

    @Message(id = 23, value = "Overload valve class %s could not be made: %s")
    String overloadValveFailed(String className, String reason);

    @LogMessage(level = INFO)
    @Message(id = 24, value = "SIP overload valve %s installed")
    void overloadValveInstalled(String className);

    // 70-79: runtime operations of the console and CLI (message trace, flows)

    @Message(id = 70, value = "Invalid %s '%s': %s")
    OperationFailedException invalidTraceFilter(String attribute, String value, String reason);

    @Message(id = 71, value = "SIP connector '%s' is not running")
    OperationFailedException connectorNotRunning(String connector);

    @Message(id = 72, value = "close-flow needs flow-id or remote-address (not both)")
    OperationFailedException closeFlowNeedsOneSelector();

    @Message(id = 73, value = "Invalid remote-address '%s': %s")
    OperationFailedException invalidRemoteAddress(String value, String reason);

    @Message(id = 74, value = "SIP connector '%s': write-queue-limit %d is below write-buffer-high-water-mark %d")
    OperationFailedException writeQueueLimitBelowHighWaterMark(String connector, int limit, int high);

    @Message(id = 75, value = "SIP connector '%s' uses transport UDP: defer-accept applies to tcp and tls only")
    OperationFailedException deferAcceptOnlyForStreams(String connector);
}
