package org.sipcity.sip.subsystem;

import java.util.List;
import org.jboss.as.controller.persistence.xml.ResourceXMLParticleFactory;
import org.jboss.as.controller.persistence.xml.SubsystemResourceRegistrationXMLElement;
import org.jboss.as.controller.persistence.xml.SubsystemResourceXMLSchema;
import org.jboss.as.controller.xml.IntVersionSchema;
import org.jboss.as.controller.xml.VersionedNamespace;
import org.jboss.as.controller.xml.XMLCardinality;
import org.jboss.staxmapper.IntVersion;

/**
 * The XML schemas of the sip subsystem, namespace {@code urn:sipcity:sip:MAJOR.MINOR}. Reader and writer are derived
 * from the attribute definitions: the subsystem element carries the stack settings as attributes and holds one
 * {@code <connector name="...">} element per connector.
 */
public enum SipSubsystemSchema implements SubsystemResourceXMLSchema<SipSubsystemSchema> {
    VERSION_1_0(1, 0);

    public static final SipSubsystemSchema CURRENT = VERSION_1_0;

    private final VersionedNamespace<IntVersion, SipSubsystemSchema> namespace;
    private final ResourceXMLParticleFactory factory = ResourceXMLParticleFactory.newInstance(this);

    SipSubsystemSchema(int major, int minor) {
        this.namespace = IntVersionSchema.createURN(List.of("sipcity", "sip"), new IntVersion(major, minor));
    }

    @Override
    public VersionedNamespace<IntVersion, SipSubsystemSchema> getNamespace() {
        return namespace;
    }

    @Override
    public SubsystemResourceRegistrationXMLElement getSubsystemXMLElement() {
        return factory.subsystemElement(SipSubsystemResourceDefinitionRegistrar.REGISTRATION)
                .addAttributes(SipSubsystemResourceDefinitionRegistrar.ATTRIBUTES)
                // Zero or more connectors: an empty <subsystem></subsystem> is as valid as <subsystem/>.
                .withContent(factory.sequence()
                        .withCardinality(XMLCardinality.Unbounded.OPTIONAL)
                        .addElement(factory.namedElement(SipResourceRegistration.CONNECTOR)
                                .addAttributes(ConnectorResourceDefinitionRegistrar.ATTRIBUTES)
                                .withCardinality(XMLCardinality.Unbounded.OPTIONAL)
                                .build())
                        .build())
                .build();
    }
}
