package org.sipcity.stack.overload;

import io.netty.buffer.ByteBuf;
import java.util.Objects;
import java.util.concurrent.ThreadLocalRandom;
import org.sipcity.stack.classify.FirstLineClassifier;
import org.sipcity.stack.classify.MessageKind;
import org.sipcity.stack.transport.Flow;
import org.sipcity.stack.transport.TransportType;

/**
 * Sheds all new work and REGISTER refreshes whatever the load, and admits responses and in-dialog requests: a node
 * being taken out of service answers 503 with Retry-After, so that clients move to another node (RFC 3263 §4.3)
 * while the dialogs it holds finish. Installed by class name ({@code overload-valve-class}); its decisions and 503s
 * are those {@link SojournTimeValve} makes when it sheds everything (same {@link TrafficClass} head scan, same
 * {@link RejectionWriter}, Retry-After and {@code dropOnUdp} from the settings), which also makes it the valve to
 * measure what shedding costs at a steady rate: the default valve, forced overloaded, lets a request through now and
 * then as its signals age out.
 *
 * <p>Keeps no figures of its own: the stack's counters (stateless responses, messages in) tell what it shed.
 */
public final class DrainValve implements OverloadValve {

    private final OverloadSettings settings;

    /** With the default Retry-After range, answering over UDP too. */
    public DrainValve() {
        this(OverloadSettings.defaults());
    }

    public DrainValve(OverloadSettings settings) {
        this.settings = Objects.requireNonNull(settings, "settings");
    }

    /** The constructor the subsystem calls: the worker queue is not consulted. */
    public DrainValve(OverloadSettings settings, WorkerQueueLoad workers) {
        this(settings);
    }

    @Override
    public Verdict inspect(long classification, ByteBuf message, Flow flow) {
        TrafficClass trafficClass = TrafficClass.of(classification, message);
        if (trafficClass == TrafficClass.RESPONSE || trafficClass == TrafficClass.IN_DIALOG) {
            return Verdict.ADMIT;
        }
        boolean answerable = FirstLineClassifier.kind(classification) == MessageKind.REQUEST
                && !(settings.dropOnUdp() && flow.transport() == TransportType.UDP);
        return answerable ? Verdict.REJECT : Verdict.DROP;
    }

    @Override
    public boolean writeRejection(ByteBuf request, ByteBuf out) {
        int spread = settings.retryAfterMax() - settings.retryAfterMin();
        int retryAfter = settings.retryAfterMin() + (spread == 0 ? 0 : ThreadLocalRandom.current().nextInt(spread + 1));
        return RejectionWriter.write503(request, out, retryAfter, null);
    }
}
