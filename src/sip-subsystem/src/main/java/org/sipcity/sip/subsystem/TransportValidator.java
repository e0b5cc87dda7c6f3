package org.sipcity.sip.subsystem;

import java.util.Locale;
import org.jboss.as.controller.OperationFailedException;
import org.jboss.as.controller.operations.validation.ModelTypeValidator;
import org.jboss.dmr.ModelNode;
import org.jboss.dmr.ModelType;
import org.sipcity.sip.subsystem.logging.SipLogger;

/** Accepts {@code udp}, {@code tcp} or {@code tls}, in any case (RFC 3261 §18: transport names are case-insensitive). */
final class TransportValidator extends ModelTypeValidator {

    TransportValidator() {
        super(ModelType.STRING, false, true);
    }

    @Override
    public void validateParameter(String parameterName, ModelNode value) throws OperationFailedException {
        super.validateParameter(parameterName, value);
        if (value.isDefined() && value.getType() != ModelType.EXPRESSION) {
            String transport = value.asString().toLowerCase(Locale.ROOT);
            if (!transport.equals("udp") && !transport.equals("tcp") && !transport.equals("tls")) {
                throw SipLogger.ROOT_LOGGER.unknownTransport(value.asString());
            }
        }
    }
}
