package org.sipcity.sip.container.spec;

import jakarta.servlet.ReadListener;
import jakarta.servlet.ServletInputStream;
import java.io.BufferedReader;
import java.io.ByteArrayInputStream;
import java.io.InputStreamReader;
import java.nio.charset.Charset;

/** The body of a received request as the stream and reader of Jakarta {@code ServletRequest}. */
final class BodyStreams {

    private BodyStreams() {
    }

    static ServletInputStream inputStream(byte[] body) {
        ByteArrayInputStream in = new ByteArrayInputStream(body);
        return new ServletInputStream() {
            @Override
            public boolean isFinished() {
                return in.available() == 0;
            }

            @Override
            public boolean isReady() {
                return true;
            }

            /** SIP messages arrive whole: the data is there at once. */
            @Override
            public void setReadListener(ReadListener listener) {
                throw new IllegalStateException("Non-blocking reads need an async request; SIP requests are not async");
            }

            @Override
            public int read() {
                return in.read();
            }

            @Override
            public int read(byte[] b, int off, int len) {
                return in.read(b, off, len);
            }
        };
    }

    static BufferedReader reader(byte[] body, Charset charset) {
        return new BufferedReader(new InputStreamReader(new ByteArrayInputStream(body), charset));
    }
}
