package org.sipcity.sip.subsystem;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import javax.xml.stream.XMLStreamException;
import org.jboss.as.controller.PathAddress;
import org.jboss.dmr.ModelNode;
import org.jboss.dmr.ModelType;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.api.Test;

/**
 * The subsystem XML of every schema version parses into the expected operations, is written back by the current
 * writer, and reads back into the same operations (the round trip the server makes when it persists its
 * configuration). Expressions survive as expressions.
 */
class SubsystemParsingTest {

    private final SubsystemXml xml = new SubsystemXml();

    private static String document(SipSubsystemSchema schema) throws IOException {
        String name = "sip-" + schema.getVersion().major() + "." + schema.getVersion().minor() + ".xml";
        try (InputStream in = SubsystemParsingTest.class.getResourceAsStream(name)) {
            assertThat(in).as("test document %s for schema %s", name, schema).isNotNull();
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }

    @ParameterizedTest
    @EnumSource(SipSubsystemSchema.class)
    void everySchemaVersionParsesIntoOneAddPerResource(SipSubsystemSchema schema) throws Exception {
        List<ModelNode> operations = xml.parse(schema, document(schema));

        assertThat(operations).hasSize(4);
        assertThat(operations).allSatisfy(op -> assertThat(op.get("operation").asString()).isEqualTo("add"));
        assertThat(PathAddress.pathAddress(operations.get(0).get("address")))
                .isEqualTo(PathAddress.pathAddress("subsystem", "sip"));
        assertThat(PathAddress.pathAddress(operations.get(2).get("address")))
                .isEqualTo(PathAddress.pathAddress("subsystem", "sip").append("connector", "tcp"));

        ModelNode subsystem = operations.get(0);
        assertThat(subsystem.get("event-loop-threads").asInt()).isEqualTo(4);
        assertThat(subsystem.get("t1").asLong()).isEqualTo(250L);
        assertThat(subsystem.get("epoll").getType()).isEqualTo(ModelType.EXPRESSION);
        assertThat(subsystem.get("epoll").asExpression().getExpressionString()).isEqualTo("${sip.epoll:false}");
        assertThat(subsystem.get("overload-valve-module").asString()).isEqualTo("org.example.sip.valve");
        assertThat(subsystem.get("overload-sojourn-high").asExpression().getExpressionString()).isEqualTo("${sip.overload.sojourn:150}");
        assertThat(subsystem.get("overload-heap-low").asInt()).isEqualTo(70);
        assertThat(subsystem.get("overload-retry-after-max").asInt()).isEqualTo(20);
        assertThat(subsystem.get("overload-udp-drop").asBoolean()).isTrue();
        assertThat(subsystem.get("inline-dispatch").asExpression().getExpressionString()).isEqualTo("${sipcity.dispatch.inline:true}");

        ModelNode tcp = operations.get(2);
        assertThat(tcp.get("socket-binding").asString()).isEqualTo("sip-tcp");
        assertThat(tcp.get("transport").getType()).isEqualTo(ModelType.EXPRESSION);
        assertThat(tcp.get("max-connections").asInt()).isEqualTo(300_000);
        assertThat(tcp.get("write-buffer-high-water-mark").asInt()).isEqualTo(131_072);
        assertThat(tcp.get("receive-buffer-size").asExpression().getExpressionString()).isEqualTo("${sip.tcp.rcvbuf:65536}");
        assertThat(tcp.get("send-buffer-size").asInt()).isEqualTo(262_144);
        assertThat(tcp.get("defer-accept").asExpression().getExpressionString()).isEqualTo("${sip.tcp.defer-accept:1}");
        assertThat(operations.get(1).has("defer-accept")).as("undefined: off").isFalse();
        assertThat(operations.get(1).has("receive-buffer-size")).as("undefined: the transport's default").isFalse();
        assertThat(operations.get(3).get("ssl-context").asString()).isEqualTo("sip-tls-context");
        assertThat(operations.get(1).has("ssl-context")).as("unset attributes stay out of the operation").isFalse();
    }

    @ParameterizedTest
    @EnumSource(SipSubsystemSchema.class)
    void currentWriterRoundTripsEverySchemaVersion(SipSubsystemSchema schema) throws Exception {
        List<ModelNode> parsed = xml.parse(schema, document(schema));
        ModelNode model = SubsystemXml.model(parsed);

        String marshalled = xml.marshal(model);
        List<ModelNode> reparsed = xml.parse(SipSubsystemSchema.CURRENT, marshalled);

        assertThat(marshalled).contains(SipSubsystemSchema.CURRENT.getNamespace().getUri());
        assertThat(reparsed).as("operations read back from%n%s", marshalled).isEqualTo(parsed);
        assertThat(SubsystemXml.model(reparsed)).isEqualTo(model);
    }

    @Test
    void emptySubsystemRoundTripsToAnEmptyElement() throws Exception {
        String empty = "<subsystem xmlns=\"urn:sipcity:sip:1.0\"/>";
        List<ModelNode> parsed = xml.parse(SipSubsystemSchema.CURRENT, empty);
        assertThat(parsed).hasSize(1);

        String marshalled = xml.marshal(SubsystemXml.model(parsed));

        assertThat(marshalled).doesNotContain("connector").doesNotContain("t1=").doesNotContain("overload-");
        assertThat(xml.parse(SipSubsystemSchema.CURRENT, marshalled)).isEqualTo(parsed);
    }

    @Test
    void unknownAttributeIsRejected() {
        String bad = "<subsystem xmlns=\"urn:sipcity:sip:1.0\"><connector name=\"udp\" socket-binding=\"sip-udp\""
                + " transport=\"udp\" colour=\"blue\"/></subsystem>";
        assertThatThrownBy(() -> xml.parse(SipSubsystemSchema.CURRENT, bad))
                .isInstanceOf(XMLStreamException.class)
                .hasMessageContaining("colour");
    }

    @Test
    void connectorWithoutSocketBindingIsRejected() {
        String bad = "<subsystem xmlns=\"urn:sipcity:sip:1.0\"><connector name=\"udp\" transport=\"udp\"/></subsystem>";
        assertThatThrownBy(() -> xml.parse(SipSubsystemSchema.CURRENT, bad))
                .isInstanceOf(XMLStreamException.class)
                .hasMessageContaining("socket-binding");
    }
}
