package org.sipcity.sip.subsystem;

import java.io.StringReader;
import java.io.StringWriter;
import java.util.ArrayList;
import java.util.List;
import javax.xml.namespace.QName;
import javax.xml.stream.XMLInputFactory;
import javax.xml.stream.XMLOutputFactory;
import javax.xml.stream.XMLStreamException;
import javax.xml.stream.XMLStreamReader;
import javax.xml.stream.XMLStreamWriter;
import org.jboss.as.controller.PathAddress;
import org.jboss.as.controller.descriptions.ModelDescriptionConstants;
import org.jboss.as.controller.persistence.SubsystemMarshallingContext;
import org.jboss.as.version.Stability;
import org.jboss.dmr.ModelNode;
import org.jboss.staxmapper.XMLElementReader;
import org.jboss.staxmapper.XMLElementWriter;
import org.jboss.staxmapper.XMLMapper;
import org.wildfly.subsystem.SubsystemPersistence;

/**
 * Reads and writes the sip subsystem's XML the way the server does (the schema's reader into add operations, the
 * writer from the model), without booting a controller: the parsing half of WildFly's subsystem test harness, which
 * is not published where this build resolves its artifacts.
 */
final class SubsystemXml {

    private final SubsystemPersistence<SipSubsystemSchema> persistence = SubsystemPersistence.of(SipSubsystemSchema.CURRENT);

    /** The add operations the schema's reader makes of {@code xml}, in document order. */
    List<ModelNode> parse(SipSubsystemSchema schema, String xml) throws XMLStreamException {
        XMLMapper mapper = XMLMapper.Factory.create();
        XMLElementReader<List<ModelNode>> reader = persistence.getReader(schema);
        mapper.registerRootElement(new QName(schema.getNamespace().getUri(), "subsystem"), reader);
        XMLStreamReader stream = XMLInputFactory.newInstance().createXMLStreamReader(new StringReader(xml));
        List<ModelNode> operations = new ArrayList<>();
        mapper.parseDocument(operations, stream);
        return operations;
    }

    /** The XML the current writer makes of a subsystem model. */
    String marshal(ModelNode model) throws XMLStreamException {
        XMLElementWriter<SubsystemMarshallingContext> writer = persistence.getWriter(Stability.DEFAULT);
        XMLMapper mapper = XMLMapper.Factory.create();
        StringWriter out = new StringWriter();
        XMLElementWriter<ModelNode> root = (stream, node) -> {
            writer.writeContent(stream, new SubsystemMarshallingContext(node, stream));
            // As the server's persister does: ends what the writer left open (an empty element is written lazily).
            stream.writeEndDocument();
        };
        XMLStreamWriter stream = XMLOutputFactory.newInstance().createXMLStreamWriter(out);
        mapper.deparseDocument(root, model, stream);
        stream.close();
        return out.toString();
    }

    /**
     * The model the operations describe, as the controller would store it: the subsystem's attributes, and each
     * child under its type and name.
     */
    static ModelNode model(List<ModelNode> operations) {
        ModelNode model = new ModelNode();
        for (ModelNode operation : operations) {
            PathAddress address = PathAddress.pathAddress(operation.get(ModelDescriptionConstants.OP_ADDR));
            ModelNode target = model;
            for (int i = 1; i < address.size(); i++) {
                target = target.get(address.getElement(i).getKey(), address.getElement(i).getValue());
            }
            for (String key : operation.keys()) {
                if (!key.equals(ModelDescriptionConstants.OP) && !key.equals(ModelDescriptionConstants.OP_ADDR)) {
                    target.get(key).set(operation.get(key));
                }
            }
        }
        return model;
    }
}
