package org.sipcity.sip.subsystem;

import org.wildfly.subsystem.SubsystemConfiguration;
import org.wildfly.subsystem.SubsystemExtension;
import org.wildfly.subsystem.SubsystemPersistence;

/**
 * The WildFly extension that adds {@code /subsystem=sip}: a SIP stack inside the server, listening on the
 * connectors the management model declares. Found through {@code META-INF/services/org.jboss.as.controller.Extension}.
 */
public final class SipExtension extends SubsystemExtension<SipSubsystemSchema> {

    public SipExtension() {
        super(SubsystemConfiguration.of(SipSubsystemResourceDefinitionRegistrar.REGISTRATION, SipSubsystemModel.CURRENT,
                        SipSubsystemResourceDefinitionRegistrar::new),
                SubsystemPersistence.of(SipSubsystemSchema.CURRENT));
    }
}
