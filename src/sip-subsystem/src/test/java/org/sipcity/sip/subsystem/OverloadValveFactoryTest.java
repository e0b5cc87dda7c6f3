package org.sipcity.sip.subsystem;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.netty.buffer.ByteBuf;
import io.netty.util.concurrent.EventExecutorGroup;
import java.time.Duration;
import org.jboss.as.controller.ExpressionResolver;
import org.jboss.as.controller.OperationFailedException;
import org.jboss.dmr.ModelNode;
import org.junit.jupiter.api.Test;
import org.sipcity.stack.overload.OverloadSettings;
import org.sipcity.stack.overload.OverloadValve;
import org.sipcity.stack.overload.SojournTimeValve;
import org.sipcity.stack.overload.Verdict;
import org.sipcity.stack.overload.WorkerQueueLoad;
import org.sipcity.stack.transport.Flow;

/**
 * The valve named by {@code overload-valve-class} is made with this resource's thresholds and the container's queue,
 * or without arguments; a class that is no valve, or none at all, fails the operation with its name.
 */
class OverloadValveFactoryTest {

    private final OverloadSettings settings = OverloadSettings.builder().retryAfter(1, 2).build();

    @Test
    void theDefaultValveGetsTheSettingsAndTheWorkerQueue() throws OperationFailedException {
        OverloadValve valve = OverloadValveFactory.load(SojournTimeValve.class.getName(), null, settings).create(WorkerQueueLoad.NONE);

        assertThat(valve).isInstanceOf(SojournTimeValve.class);
        assertThat(((SojournTimeValve) valve).settings()).isEqualTo(settings);
    }

    @Test
    void anOperatorsValveWithoutParametersIsMadeToo() throws OperationFailedException {
        OverloadValve valve = OverloadValveFactory.load(CountingValve.class.getName(), null, settings).create(WorkerQueueLoad.NONE);

        assertThat(valve).isInstanceOf(CountingValve.class);
    }

    @Test
    void aClassThatIsNoValveFailsTheOperation() {
        assertThatThrownBy(() -> OverloadValveFactory.load(String.class.getName(), null, settings))
                .isInstanceOf(OperationFailedException.class)
                .hasMessageContaining("SIPCITY00021").hasMessageContaining("java.lang.String")
                .hasMessageContaining("does not implement");
    }

    @Test
    void anUnknownClassFailsTheOperationWithItsName() {
        assertThatThrownBy(() -> OverloadValveFactory.load("org.example.NoSuchValve", null, settings))
                .isInstanceOf(OperationFailedException.class)
                .hasMessageContaining("SIPCITY00021").hasMessageContaining("org.example.NoSuchValve");
    }

    @Test
    void aValveWithoutAUsableConstructorFailsTheStackStart() throws OperationFailedException {
        OverloadValveFactory factory = OverloadValveFactory.load(ValveNeedingAName.class.getName(), null, settings);

        assertThatThrownBy(() -> factory.create(WorkerQueueLoad.NONE))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("SIPCITY00022").hasMessageContaining(ValveNeedingAName.class.getName());
    }

    /** An operator's valve: admits everything. */
    public static final class CountingValve implements OverloadValve {
        public CountingValve() {
        }

        @Override
        public Verdict inspect(long classification, ByteBuf message, Flow flow) {
            return Verdict.ADMIT;
        }

        @Override
        public boolean writeRejection(ByteBuf request, ByteBuf out) {
            return false;
        }

        @Override
        public void start(EventExecutorGroup eventLoops) {
        }

        @Override
        public void stop() {
        }
    }

    /** No constructor the factory knows. */
    public static final class ValveNeedingAName implements OverloadValve {
        public ValveNeedingAName(String name) {
        }

        @Override
        public Verdict inspect(long classification, ByteBuf message, Flow flow) {
            return Verdict.ADMIT;
        }

        @Override
        public boolean writeRejection(ByteBuf request, ByteBuf out) {
            return false;
        }

        @Override
        public void start(EventExecutorGroup eventLoops) {
        }

        @Override
        public void stop() {
        }
    }

    @Test
    void thresholdsComeFromTheModelAndTheirRelationsAreChecked() throws OperationFailedException {
        ModelNode model = new ModelNode();
        model.get("overload-sojourn-high").set(8);
        model.get("overload-sojourn-low").set(4);
        model.get("overload-heap-high").set(95);
        model.get("overload-read-saturation-high").set(80);
        model.get("overload-read-saturation-window").set(2000);
        model.get("overload-retry-after-min").set(1);
        model.get("overload-retry-after-max").set(3);
        model.get("overload-datagram-drop-high").set(30);
        model.get("overload-datagram-drop-window").set(500);
        model.get("overload-admission").set("loss");
        model.get("overload-shed-cost").set(7);
        model.get("overload-datagram-queue-high").set(2_097_152);
        model.get("overload-datagram-queue-low").set(524_288);
        model.get("overload-datagram-queue-window").set(300);
        model.get("overload-udp-read-all").set(true);

        OverloadSettings resolved = OverloadValveAttributes.settings(ExpressionResolver.TEST_RESOLVER, model);

        assertThat(resolved.sojournHigh()).isEqualTo(Duration.ofMillis(8));
        assertThat(resolved.sojournLow()).isEqualTo(Duration.ofMillis(4));
        assertThat(resolved.heapHigh()).isEqualTo(0.95);
        assertThat(resolved.readSaturationHigh()).isEqualTo(0.80);
        assertThat(resolved.readSaturationLow()).isEqualTo(OverloadSettings.defaults().readSaturationLow());
        assertThat(resolved.readSaturationWindow()).isEqualTo(Duration.ofSeconds(2));
        assertThat(resolved.retryAfterMax()).isEqualTo(3);
        assertThat(resolved.holdTime()).isEqualTo(OverloadSettings.defaults().holdTime());
        assertThat(resolved.datagramDropHigh()).isEqualTo(0.30);
        assertThat(resolved.datagramDropLow()).isEqualTo(OverloadSettings.defaults().datagramDropLow());
        assertThat(resolved.datagramDropWindow()).isEqualTo(Duration.ofMillis(500));
        assertThat(resolved.admission()).isEqualTo(org.sipcity.stack.overload.Admission.LOSS);
        assertThat(resolved.shedCost()).isEqualTo(0.07);
        assertThat(resolved.datagramQueueHigh()).isEqualTo(2 << 20);
        assertThat(resolved.datagramQueueLow()).isEqualTo(512 << 10);
        assertThat(OverloadSettings.defaults().datagramQueueHigh()).as("off by default").isZero();
        assertThat(resolved.datagramQueueWindow()).isEqualTo(Duration.ofMillis(300));
        assertThat(resolved.readAllDatagrams()).isTrue();
        assertThat(OverloadSettings.defaults().readAllDatagrams()).as("off by default").isFalse();
        assertThat(OverloadValveAttributes.settings(ExpressionResolver.TEST_RESOLVER, new ModelNode()).admission())
                .as("the default").isEqualTo(org.sipcity.stack.overload.Admission.RATE);

        model.get("overload-sojourn-low").set(8);
        assertThatThrownBy(() -> OverloadValveAttributes.settings(ExpressionResolver.TEST_RESOLVER, model))
                .isInstanceOf(OperationFailedException.class)
                .hasMessageContaining("SIPCITY00020").hasMessageContaining("sojourn");
    }

    /** Both queue marks at 0 turn the signal off; a low mark alone at 0, or above the high one, is refused. */
    @Test
    void theDatagramQueueSignalIsOffWithBothMarksAtZeroAndItsBandIsChecked() throws OperationFailedException {
        ModelNode model = new ModelNode();
        model.get("overload-datagram-queue-high").set(0);
        model.get("overload-datagram-queue-low").set(0);
        assertThat(OverloadValveAttributes.settings(ExpressionResolver.TEST_RESOLVER, model).datagramQueueHigh()).isZero();

        model.get("overload-datagram-queue-high").set(1024);
        assertThatThrownBy(() -> OverloadValveAttributes.settings(ExpressionResolver.TEST_RESOLVER, model))
                .isInstanceOf(OperationFailedException.class).hasMessageContaining("datagram queue");
        model.get("overload-datagram-queue-low").set(4096);
        assertThatThrownBy(() -> OverloadValveAttributes.settings(ExpressionResolver.TEST_RESOLVER, model))
                .isInstanceOf(OperationFailedException.class).hasMessageContaining("datagram queue");
    }
}
