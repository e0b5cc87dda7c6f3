package org.sipcity.stack.framing;

import io.netty.buffer.ByteBuf;

import java.util.List;
import java.util.Objects;

/**
 * Incremental framer for stream transports (TCP, TLS): cuts the bytes of one connection into whole SIP messages
 * and CRLF keep-alives, without parsing the messages. One instance per connection; not thread-safe.
 *
 * <p>Call {@link #decode} with the connection's cumulation buffer whenever bytes arrive (it fits
 * {@code ByteToMessageDecoder.decode}). Each call appends to {@code out}, in stream order:
 * <ul>
 * <li>a {@link ByteBuf} holding exactly one message, head and body: a retained slice of {@code in} which the
 *     caller releases;</li>
 * <li>{@link KeepAlive#PING} for a double CRLF between messages: the caller MUST answer with a single CRLF
 *     (RFC 5626 §4.4.1);</li>
 * <li>{@link KeepAlive#PONG} for a single CRLF between messages (the answer to a ping);</li>
 * <li>a {@link FramingError}, after which the stream is lost: the framer discards all further input and the caller
 *     answers if the error's head allows it, then closes.</li>
 * </ul>
 * A message not yet complete stays in {@code in}, untouched; the framer remembers how far it scanned so no byte
 * is searched twice. It holds no buffer of its own: an idle connection costs nothing here beyond a few fields.
 *
 * <p>A message ends after its head (start line and header fields up to the empty line) and the number of body
 * bytes given by Content-Length, which RFC 3261 §18.3 makes mandatory on streams. The framer does not check the
 * start line beyond its first byte: a message framed correctly but malformed inside is the parser's to answer,
 * and the stream stays usable.
 *
 * <p>A single CRLF at the very end of the bytes received is ambiguous at the end that accepted the connection: a
 * pong, or the first half of a ping cut by the network. It is reported as a pong at once (whoever sent a ping is
 * waiting for it); if the next bytes then start with the other CRLF, they are reported as a ping. A ping is four
 * bytes sent in one write, so the cut is rare, and the worst outcome is a pong nobody expected. The end that opened
 * the connection ({@link #forConnectingEnd}) sends the pings (RFC 5626 §4.4.1) and reads the pongs, which arrive one
 * per read, a keep-alive interval apart: there every lone CRLF is a pong, since pairing two of them into a ping
 * would lose the second pong and make a healthy flow look dead.
 *
 * @see FramingConfig for the limits
 */
public final class SipStreamFramer {

    private static final byte CR = '\r';
    private static final byte LF = '\n';

    /**
     * Bytes that can start a message: both start lines begin with a token, the method or the "SIP" of the version
     * (RFC 3261 §25.1: {@code token = 1*(alphanum / "-" / "." / "!" / "%" / "*" / "_" / "+" / "`" / "'" / "~")}).
     */
    private static final boolean[] MESSAGE_START = new boolean[256];

    static {
        for (int c = 0; c < 256; c++) {
            MESSAGE_START[c] = c >= '0' && c <= '9' || c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z'
                    || "-.!%*_+`'~".indexOf(c) >= 0;
        }
    }

    private enum State { BETWEEN_MESSAGES, HEAD, BODY, FAILED }

    private final FramingConfig config;
    private final HeadScanner head = new HeadScanner();
    private State state = State.BETWEEN_MESSAGES;
    /** In {@link State#BODY}: the length of the whole message. */
    private int messageLength;
    /** The last item was a single CRLF at the end of the bytes received: maybe half a ping. */
    private boolean crlfEndedInput;
    /** Whether a lone CRLF may be the first half of a ping: at the end that accepted the connection only. */
    private final boolean pairsSplitPings;

    /** A framer for the end that accepted the connection (a server): it answers pings, even cut in two. */
    public SipStreamFramer(FramingConfig config) {
        this(config, true);
    }

    private SipStreamFramer(FramingConfig config, boolean pairsSplitPings) {
        this.config = Objects.requireNonNull(config, "config");
        this.pairsSplitPings = pairsSplitPings;
    }

    /** A framer for the end that opened the connection (a UA, a client): every lone CRLF it reads is a pong. */
    public static SipStreamFramer forConnectingEnd(FramingConfig config) {
        return new SipStreamFramer(config, false);
    }

    /**
     * Consumes whole items from {@code in} and appends them to {@code out}: messages (retained slices the caller
     * releases), keep-alives, or one {@link FramingError} after which all input is discarded. Leaves a partial
     * message in {@code in} untouched and remembers how far it scanned. Never throws on any input.
     */
    public void decode(ByteBuf in, List<Object> out) {
        while (true) {
            switch (state) {
                case BETWEEN_MESSAGES:
                    if (!betweenMessages(in, out)) {
                        return;
                    }
                    break;
                case HEAD:
                    if (!head(in, out)) {
                        return;
                    }
                    break;
                case BODY:
                    if (in.readableBytes() < messageLength) {
                        return;
                    }
                    out.add(in.readRetainedSlice(messageLength));
                    head.reset();
                    state = State.BETWEEN_MESSAGES;
                    break;
                case FAILED:
                default:
                    // The stream cannot be resynchronised: whatever follows is dropped until the caller closes.
                    in.skipBytes(in.readableBytes());
                    return;
            }
        }
    }

    /**
     * Whether the framer holds nothing of its stream: no message begun, no half ping pending, no failure. A framer in
     * this state may serve another connection (a server keeps framers only for connections that are mid-message).
     */
    public boolean isBetweenMessages() {
        return state == State.BETWEEN_MESSAGES && !crlfEndedInput;
    }

    /** Forgets the stream's state, including a failure: the next byte is taken as the start of a message. */
    public void reset() {
        head.reset();
        state = State.BETWEEN_MESSAGES;
        messageLength = 0;
        crlfEndedInput = false;
    }

    /** Keep-alives, or the first byte of a message. Returns whether to go on. */
    private boolean betweenMessages(ByteBuf in, List<Object> out) {
        int readable = in.readableBytes();
        if (readable == 0) {
            return false;
        }
        int r = in.readerIndex();
        byte first = in.getByte(r);
        if (first != CR) {
            crlfEndedInput = false;
            if (!MESSAGE_START[first & 0xFF]) {
                return fail(in, out, FramingFault.INVALID_MESSAGE_START, null);
            }
            state = State.HEAD;
            return true;
        }
        if (readable < 2) {
            return false;
        }
        if (in.getByte(r + 1) != LF) {
            return fail(in, out, FramingFault.MALFORMED_KEEP_ALIVE, null);
        }
        if (crlfEndedInput) {
            // The second half of a ping whose first CRLF ended the previous read. Checked before a whole ping:
            // "CRLF | CRLF CRLF CRLF" is two pings, and pairing the second half with the next ping's first half
            // would leave that ping unanswered.
            return keepAlive(in, out, KeepAlive.PING, 2, false);
        }
        if (readable >= 4 && in.getByte(r + 2) == CR && in.getByte(r + 3) == LF) {
            return keepAlive(in, out, KeepAlive.PING, 4, false);
        }
        if (readable == 2) {
            return keepAlive(in, out, KeepAlive.PONG, 2, pairsSplitPings);
        }
        if (pairsSplitPings && readable == 3 && in.getByte(r + 2) == CR) {
            // CR LF CR: most likely a ping still arriving.
            return false;
        }
        return keepAlive(in, out, KeepAlive.PONG, 2, false);
    }

    private boolean keepAlive(ByteBuf in, List<Object> out, KeepAlive item, int length, boolean endedInput) {
        in.skipBytes(length);
        out.add(item);
        crlfEndedInput = endedInput;
        return true;
    }

    private boolean head(ByteBuf in, List<Object> out) {
        int messageStart = in.readerIndex();
        int headLength = head.scan(in, messageStart, in.readableBytes(), config.maxHeaderSize());
        if (headLength == HeadScanner.NEED_MORE) {
            return false;
        }
        if (headLength == HeadScanner.FAULT) {
            return fail(in, out, head.fault(), in.retainedSlice(messageStart, head.faultHeadLength()));
        }
        long contentLength = head.contentLength();
        if (contentLength < 0) {
            return fail(in, out, FramingFault.MISSING_CONTENT_LENGTH, in.retainedSlice(messageStart, headLength));
        }
        long length = headLength + contentLength;
        if (length > config.maxMessageSize()) {
            return fail(in, out, FramingFault.MESSAGE_TOO_LARGE, in.retainedSlice(messageStart, headLength));
        }
        messageLength = (int) length;
        state = State.BODY;
        return true;
    }

    private boolean fail(ByteBuf in, List<Object> out, FramingFault fault, ByteBuf headBytes) {
        out.add(fault.toError(headBytes));
        in.skipBytes(in.readableBytes());
        state = State.FAILED;
        return false;
    }
}
