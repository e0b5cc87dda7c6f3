package org.sipcity.sip.subsystem.managedbean;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.util.List;
import java.util.Map;
import javax.management.DescriptorKey;
import javax.management.MBeanServer;
import javax.management.MBeanServerFactory;
import javax.management.ObjectName;
import org.jboss.dmr.ModelNode;
import org.jboss.dmr.ModelType;
import org.junit.jupiter.api.Test;

/** How an MBean's interface becomes management attributes and operations, and how values cross over. */
class ManagedBeanTypeTest {

    @Retention(RetentionPolicy.RUNTIME)
    public @interface Text {
        @DescriptorKey("description")
        String value();
    }

    @Retention(RetentionPolicy.RUNTIME)
    public @interface Called {
        @DescriptorKey("name")
        String value();
    }

    @Retention(RetentionPolicy.RUNTIME)
    public @interface Default {
        @DescriptorKey("defaultValue")
        String value();
    }

    @Retention(RetentionPolicy.RUNTIME)
    public @interface Query {
        @DescriptorKey("readOnly")
        boolean value() default true;
    }

    public static final class Row {
        public String getContact() {
            return "sip:a@192.0.2.1";
        }

        public Integer getRegId() {
            return null;
        }
    }

    @Text("A sample")
    public interface SampleMXBean {
        @Text("How many")
        long getBindingCount();

        @Query
        @Text("Rows of a user")
        List<Row> listRows(@Called("aor") @Text("Whose") String aor,
                @Called("limit") @Default("10") int limit);

        void touch(String[] names, boolean flag);

        Map<String, Long> getTotals();

        void take(Map<String, Long> totals);
    }

    public static final class Sample implements SampleMXBean {
        @Override
        public long getBindingCount() {
            return 3;
        }

        @Override
        public List<Row> listRows(String aor, int limit) {
            return List.of(new Row());
        }

        @Override
        public void touch(String[] names, boolean flag) {
        }

        @Override
        public Map<String, Long> getTotals() {
            return Map.of("adds", 2L);
        }

        @Override
        public void take(Map<String, Long> totals) {
        }
    }

    private final MBeanServer server = MBeanServerFactory.newMBeanServer();

    private ManagedBeanType type() throws Exception {
        ObjectName name = new ObjectName("org.sipcity.sip:application=app,name=sample");
        server.registerMBean(new Sample(), name);
        return ManagedBeanType.of(name, server.getMBeanInfo(name));
    }

    @Test
    void attributes_and_operations_get_kebab_names_types_and_texts() throws Exception {
        ManagedBeanType type = type();

        assertThat(type.attributes().keySet()).containsExactlyInAnyOrder("binding-count", "totals");
        ModelNode count = type.attributes().get("binding-count").description();
        assertThat(count.get("type").asType()).isEqualTo(ModelType.LONG);
        assertThat(count.get("description").asString()).isEqualTo("How many");
        ModelNode totals = type.attributes().get("totals").description();
        assertThat(totals.get("type").asType()).isEqualTo(ModelType.LIST);
        assertThat(totals.get("value-type").keys()).containsExactlyInAnyOrder("key", "value");

        assertThat(type.operations().keySet()).as("take(Map) cannot be given in DMR").containsExactlyInAnyOrder("list-rows", "touch");
        ManagedBeanType.Operation rows = type.operations().get("list-rows");
        assertThat(rows.readOnly()).isTrue();
        assertThat(rows.description().get("description").asString()).isEqualTo("Rows of a user");
        ModelNode aor = rows.description().get("request-properties", "aor");
        assertThat(aor.get("type").asType()).isEqualTo(ModelType.STRING);
        assertThat(aor.get("required").asBoolean()).isTrue();
        assertThat(aor.get("description").asString()).isEqualTo("Whose");
        ModelNode limit = rows.description().get("request-properties", "limit");
        assertThat(limit.get("required").asBoolean()).isFalse();
        assertThat(limit.get("default").getType()).isEqualTo(ModelType.INT);
        assertThat(limit.get("default").asInt()).isEqualTo(10);
        ModelNode reply = rows.description().get("reply-properties");
        assertThat(reply.get("type").asType()).isEqualTo(ModelType.LIST);
        assertThat(reply.get("value-type").keys()).containsExactlyInAnyOrder("contact", "reg-id");
        assertThat(rows.signature()).containsExactly("java.lang.String", "int");

        ManagedBeanType.Operation touch = type.operations().get("touch");
        assertThat(touch.readOnly()).isFalse();
        assertThat(touch.description().get("request-properties").keys()).as("JMX's own names").containsExactly("p0", "p1");
        assertThat(touch.description().get("request-properties", "p0", "value-type").asType()).isEqualTo(ModelType.STRING);
    }

    @Test
    void the_same_interface_is_recognised_for_sharing() throws Exception {
        ManagedBeanType type = type();
        ObjectName other = new ObjectName("org.sipcity.sip:application=other,name=sample");
        server.registerMBean(new Sample(), other);
        assertThat(type.sameInterfaceAs(server.getMBeanInfo(other))).isTrue();
        assertThat(type.sameInterfaceAs(server.getMBeanInfo(new ObjectName("JMImplementation:type=MBeanServerDelegate")))).isFalse();
    }

    @Test
    void results_become_dmr_with_kebab_keys() throws Exception {
        type();
        ObjectName name = new ObjectName("org.sipcity.sip:application=app,name=sample");
        ModelNode rows = JmxValues.toModel(server.invoke(name, "listRows", new Object[] {"a", 1}, new String[] {"java.lang.String", "int"}));
        assertThat(rows.asList()).hasSize(1);
        assertThat(rows.get(0).get("contact").asString()).isEqualTo("sip:a@192.0.2.1");
        assertThat(rows.get(0).get("reg-id").isDefined()).isFalse();
        ModelNode totals = JmxValues.toModel(server.getAttribute(name, "Totals"));
        assertThat(totals.get(0).get("key").asString()).isEqualTo("adds");
        assertThat(totals.get(0).get("value").asLong()).isEqualTo(2);
        assertThat(JmxValues.toModel(new int[] {1, 2}).asList()).extracting(ModelNode::asInt).containsExactly(1, 2);
    }

    @Test
    void parameters_are_converted_or_refused_with_a_reason() {
        assertThat(JmxValues.fromModel(new ModelNode("42"), "int")).isEqualTo(42);
        assertThat(JmxValues.fromModel(new ModelNode(7L), "java.lang.Long")).isEqualTo(7L);
        assertThat(JmxValues.fromModel(new ModelNode("TRUE"), "boolean")).isEqualTo(true);
        assertThat((String[]) JmxValues.fromModel(new ModelNode().add("a").add("b"), "[Ljava.lang.String;")).containsExactly("a", "b");
        assertThat(JmxValues.fromModel(new ModelNode(), "java.lang.String")).isNull();
        assertThatThrownBy(() -> JmxValues.fromModel(new ModelNode(), "int")).hasMessage("a value is required");
        assertThatThrownBy(() -> JmxValues.fromModel(new ModelNode("many"), "int")).hasMessageContaining("a number expected");
        assertThatThrownBy(() -> JmxValues.fromModel(new ModelNode("1.5"), "long")).hasMessageContaining("whole number");
        assertThatThrownBy(() -> JmxValues.fromModel(new ModelNode("3000000000"), "int")).hasMessageContaining("outside");
        assertThatThrownBy(() -> JmxValues.fromModel(new ModelNode("yes"), "boolean")).hasMessageContaining("true or false");
    }

    @Test
    void names_follow_the_convention() throws Exception {
        assertThat(ManagedBeanNames.kebab("BindingCount")).isEqualTo("binding-count");
        assertThat(ManagedBeanNames.kebab("importCsv")).isEqualTo("import-csv");
        assertThat(ManagedBeanNames.kebab("AORCount")).isEqualTo("aor-count");
        assertThat(ManagedBeanNames.kebab("regId")).isEqualTo("reg-id");
        assertThat(ManagedBeanNames.kebab("value")).isEqualTo("value");
        assertThat(ManagedBeanNames.application(new ObjectName("org.sipcity.sip:application=\"my app\",name=x"))).isEqualTo("my app");
        assertThat(ManagedBeanNames.application(new ObjectName("org.sipcity.sip:application=a,name=x,extra=y"))).isNull();
        assertThat(ManagedBeanNames.application(new ObjectName("other:application=a,name=x"))).isNull();
        assertThat(ManagedBeanNames.beanName(new ObjectName("org.sipcity.sip:application=a,name=\"two words\""))).isEqualTo("two words");
    }

    @Test
    void the_deployment_resources_are_described() {
        java.util.ResourceBundle bundle = java.util.ResourceBundle.getBundle(
                ManagedBeanResourceRegistrar.class.getPackageName() + ".LocalDescriptions");
        for (String key : List.of("sip-deployment", "sip-deployment.managed-bean", "sip-deployment.managed-bean.object-name",
                "sip-deployment.managed-bean.description")) {
            assertThat(bundle.getString(key)).as(key).isNotBlank();
        }
    }
}
