package org.sipcity.stack.overload;

import io.netty.buffer.ByteBuf;
import org.sipcity.stack.transport.Flow;

/**
 * A valve that admits everything: the stack without overload control. Installed by class name
 * ({@code overload-valve-class}) it turns the valve off, e.g. to measure what the valve buys under overload; the
 * container's own bounds (worker queue, live transactions) still answer 503 once they are full.
 */
public final class AdmitAllValve implements OverloadValve {

    @Override
    public Verdict inspect(long classification, ByteBuf message, Flow flow) {
        return Verdict.ADMIT;
    }

    @Override
    public boolean writeRejection(ByteBuf request, ByteBuf out) {
        return false;
    }
}
