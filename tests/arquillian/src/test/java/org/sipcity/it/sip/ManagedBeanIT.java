package org.sipcity.it.sip;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.util.List;
import org.jboss.arquillian.container.test.api.Deployer;
import org.jboss.arquillian.container.test.api.Deployment;
import org.jboss.arquillian.container.test.api.RunAsClient;
import org.jboss.arquillian.junit5.ArquillianExtension;
import org.jboss.arquillian.test.api.ArquillianResource;
import org.jboss.as.arquillian.container.ManagementClient;
import org.jboss.dmr.ModelNode;
import org.jboss.dmr.ModelType;
import org.jboss.shrinkwrap.api.ShrinkWrap;
import org.jboss.shrinkwrap.api.asset.EmptyAsset;
import org.jboss.shrinkwrap.api.spec.WebArchive;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.sipcity.it.sip.beans.BeansPublisher;

/**
 * The subsystem's general feature: a SIP application's JMX beans ({@code org.sipcity.sip:application=beans-app,...})
 * become {@code /deployment=beans-app.war/subsystem=sip/managed-bean=*} while it is deployed; a standard MBean's
 * operation has the parameter name and texts its {@code StandardMBean} subclass gives; an MXBean's map is a list
 * of key/value objects; a refusal of the bean is a clean failure; beans the application left registered are
 * unregistered at undeploy (a redeployed application starts from a fresh bean, not the stale one).
 */
@ExtendWith(ArquillianExtension.class)
@RunAsClient
class ManagedBeanIT {

    private static final String BEANS = "beans";

    /** Only gives the client its management connection. */
    @Deployment(testable = false)
    static WebArchive deployment() {
        return ShrinkWrap.create(WebArchive.class, "managed-bean-it.war").addAsWebInfResource(EmptyAsset.INSTANCE, "beans.xml");
    }

    @Deployment(name = BEANS, managed = false, testable = false)
    static WebArchive beansApplication() {
        return ShrinkWrap.create(WebArchive.class, "beans-app.war")
                .addPackage(BeansPublisher.class.getPackage())
                .addAsWebInfResource(EmptyAsset.INSTANCE, "beans.xml");
    }

    @ArquillianResource
    ManagementClient management;

    @ArquillianResource
    Deployer deployer;

    @Test
    void beansFollowTheDeploymentAndAreCleanedUpAtUndeploy() throws IOException {
        deployer.deploy(BEANS);
        try {
            assertThat(execute(childrenNames()).asList()).extracting(ModelNode::asString).containsExactly("counter", "totals");

            ModelNode description = execute(describe("counter"));
            ModelNode add = description.get("operations", "add");
            assertThat(add.get("description").asString()).isEqualTo("Adds to the counter and answers the new value");
            assertThat(add.get("request-properties").keys()).containsExactly("delta");
            assertThat(add.get("request-properties", "delta", "type").asType()).isEqualTo(ModelType.LONG);
            assertThat(add.get("request-properties", "delta", "description").asString()).isEqualTo("How much to add, positive");
            assertThat(add.get("reply-properties", "type").asType()).isEqualTo(ModelType.LONG);
            assertThat(description.get("attributes", "value", "description").asString()).isEqualTo("The counter's value");

            assertThat(execute(operation("counter", "add", 5)).asLong()).isEqualTo(5);
            assertThat(execute(operation("counter", "add", 2)).asLong()).isEqualTo(7);
            assertThat(execute(readAttribute("counter", "value")).asLong()).isEqualTo(7);

            ModelNode refused = management.getControllerClient().execute(operation("counter", "add", -1));
            assertThat(refused.get("outcome").asString()).isEqualTo("failed");
            assertThat(refused.get("failure-description").asString())
                    .isEqualTo("SIPCITY00110: managed-bean=counter add: delta must be positive, was -1");
            ModelNode missing = management.getControllerClient().execute(operation("counter", "add", null));
            assertThat(missing.get("failure-description").asString()).contains("parameter delta: required");

            List<ModelNode> totals = execute(readAttribute("totals", "totals")).asList();
            assertThat(totals).extracting(row -> row.get("key").asString() + "=" + row.get("value").asLong())
                    .containsExactlyInAnyOrder("adds=7", "limit=100");
            assertThat(execute(describe("totals")).get("attributes", "totals", "type").asType()).isEqualTo(ModelType.LIST);
        } finally {
            deployer.undeploy(BEANS);
        }

        // The application never unregistered its beans: had the subsystem not done it, the redeployed application
        // would find its names taken and the resources would still show the old counter (7).
        deployer.deploy(BEANS);
        try {
            assertThat(execute(readAttribute("counter", "value")).asLong()).isZero();
        } finally {
            deployer.undeploy(BEANS);
        }
        ModelNode gone = management.getControllerClient().execute(readAttribute("counter", "value"));
        assertThat(gone.get("outcome").asString()).isEqualTo("failed");
    }

    private static ModelNode address(String bean) {
        ModelNode address = new ModelNode().add("deployment", "beans-app.war").add("subsystem", "sip");
        return bean == null ? address : address.add("managed-bean", bean);
    }

    private static ModelNode childrenNames() {
        ModelNode op = new ModelNode();
        op.get("operation").set("read-children-names");
        op.get("address").set(address(null));
        op.get("child-type").set("managed-bean");
        return op;
    }

    private static ModelNode describe(String bean) {
        ModelNode op = new ModelNode();
        op.get("operation").set("read-resource-description");
        op.get("address").set(address(bean));
        op.get("operations").set(true);
        return op;
    }

    private static ModelNode operation(String bean, String name, Integer delta) {
        ModelNode op = new ModelNode();
        op.get("operation").set(name);
        op.get("address").set(address(bean));
        if (delta != null) {
            op.get("delta").set(delta);
        }
        return op;
    }

    private static ModelNode readAttribute(String bean, String attribute) {
        ModelNode op = new ModelNode();
        op.get("operation").set("read-attribute");
        op.get("address").set(address(bean));
        op.get("name").set(attribute);
        return op;
    }

    private ModelNode execute(ModelNode op) throws IOException {
        ModelNode response = management.getControllerClient().execute(op);
        assertThat(response.get("outcome").asString()).as("%s -> %s", op, response).isEqualTo("success");
        return response.get("result");
    }
}
