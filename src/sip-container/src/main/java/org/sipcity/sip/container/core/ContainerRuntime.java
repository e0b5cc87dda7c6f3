package org.sipcity.sip.container.core;

import java.util.function.BiConsumer;
import org.sipcity.sip.container.api.SipContainerConfig;
import org.sipcity.sip.container.spec.SipServletRequestImpl;
import org.sipcity.stack.core.SipStack;
import org.sipcity.stack.message.SipResponse;
import org.sipcity.stack.timer.SipTimer;

/** The services every deployed application shares: the stack, the timer wheel, the workers, the dialog table. */
public final class ContainerRuntime {

    private final SipContainerConfig config;
    private final WorkerPool workers;
    private final SipTimer timer;
    private final DialogTable dialogs = new DialogTable();
    private final RequestSender sender;
    private volatile SipStack stack;
    private volatile BiConsumer<SipServletRequestImpl, SipResponse> localResponses;

    public ContainerRuntime(SipContainerConfig config, SipTimer timer) {
        this.config = config;
        this.timer = timer;
        this.workers = new WorkerPool(config.workerThreads(), config.queueCapacity(), config.threadName(),
                new InlineRunner(config.slowInlineTaskMillis()));
        this.sender = new RequestSender(this);
    }

    public SipContainerConfig config() {
        return config;
    }

    public WorkerPool workers() {
        return workers;
    }

    public SipTimer timer() {
        return timer;
    }

    public DialogTable dialogs() {
        return dialogs;
    }

    public RequestSender sender() {
        return sender;
    }

    /** @throws IllegalStateException before {@code SipContainer.bind} */
    public SipStack stack() {
        SipStack s = stack;
        if (s == null) {
            throw new IllegalStateException("The container is not bound to a SIP stack yet");
        }
        return s;
    }

    /** Where responses made locally for sent requests go: the dispatcher's delivery, set once at start. */
    void localResponses(BiConsumer<SipServletRequestImpl, SipResponse> delivery) {
        this.localResponses = delivery;
    }

    void deliverLocally(SipServletRequestImpl request, SipResponse response) {
        localResponses.accept(request, response);
    }

    public void bind(SipStack value) {
        this.stack = value;
    }
}
