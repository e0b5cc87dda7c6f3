package org.sipcity.registrar.management;

import static org.assertj.core.api.Assertions.assertThat;

import java.lang.management.ManagementFactory;
import java.util.Arrays;
import javax.management.Descriptor;
import javax.management.MBeanInfo;
import javax.management.MBeanOperationInfo;
import javax.management.MBeanServer;
import javax.management.MBeanServerFactory;
import javax.management.ObjectName;
import javax.servlet.sip.annotation.SipApplication;

import org.junit.jupiter.api.Test;

/**
 * The beans follow the sip subsystem's conventions: registered under the application's own JSR 289 name, their
 * parameters named and described through descriptor fields, read-only operations marked, optional ones defaulted.
 */
class ManagementBeansTest {

    @Test
    void object_names_carry_the_sip_application_name() {
        SipApplication application = org.sipcity.registrar.servlet.RegistrarServlet.class.getPackage().getAnnotation(SipApplication.class);
        assertThat(application.name()).isEqualTo(ManagementBeans.APPLICATION);
        assertThat(ManagementBeans.objectName("subscribers").getCanonicalName())
                .isEqualTo("org.sipcity.sip:application=sipcity-registrar,name=subscribers");
    }

    @Test
    void descriptors_name_describe_and_default_the_parameters() throws Exception {
        MBeanServer server = MBeanServerFactory.newMBeanServer();
        ObjectName name = new ObjectName("test:name=subscribers");
        server.registerMBean(new SubscribersAdmin(null), name);
        MBeanInfo info = server.getMBeanInfo(name);

        assertThat(info.getDescriptor().getFieldValue("description")).asString().startsWith("Subscribers:");
        MBeanOperationInfo list = operation(info, "list");
        assertThat(list.getDescriptor().getFieldValue("readOnly")).isEqualTo(true);
        Descriptor limit = list.getSignature()[2].getDescriptor();
        assertThat(limit.getFieldValue("name")).isEqualTo("limit");
        assertThat(limit.getFieldValue("defaultValue")).isEqualTo("100");
        assertThat(limit.getFieldValue("description")).asString().contains("at most 1000");
        MBeanOperationInfo add = operation(info, "add");
        assertThat(Arrays.stream(add.getSignature()).map(p -> p.getDescriptor().getFieldValue("name")))
                .containsExactly("username", "domain", "password");
        assertThat(add.getDescriptor().getFieldValue("readOnly")).isNull();
        assertThat(ManagementFactory.getPlatformMBeanServer().isRegistered(name)).isFalse();
    }

    private static MBeanOperationInfo operation(MBeanInfo info, String name) {
        return Arrays.stream(info.getOperations()).filter(o -> o.getName().equals(name)).findFirst().orElseThrow();
    }
}
