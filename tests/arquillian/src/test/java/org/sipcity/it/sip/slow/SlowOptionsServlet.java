package org.sipcity.it.sip.slow;

import java.io.IOException;
import javax.servlet.sip.SipServlet;
import javax.servlet.sip.SipServletRequest;

/**
 * Answers OPTIONS with 200 after {@value #WORK_MILLIS} ms of "work" on its worker thread (a blocking database call,
 * say): with the container's 16 workers, a burst of a hundred and more requests waits in the worker queue.
 */
@javax.servlet.sip.annotation.SipServlet(name = "slow-options")
public class SlowOptionsServlet extends SipServlet {

    public static final long WORK_MILLIS = 250;
    private static final long serialVersionUID = 1L;

    @Override
    protected void doOptions(SipServletRequest request) throws IOException {
        try {
            Thread.sleep(WORK_MILLIS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        request.createResponse(200).send();
    }
}
