package org.sipcity.stack.message;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;

/** Where a message is written: a byte array of known size, or a Netty buffer directly. */
abstract sealed class MessageSink {

    abstract void bytes(byte[] src, int off, int len);

    /** Text known to be ASCII (names, numbers, fixed words). */
    abstract void ascii(String s);

    /** A non-negative number in decimal digits, without making a String of it. */
    final void decimal(int value) {
        if (value < 10) {
            digit(value);
            return;
        }
        decimal(value / 10);
        digit(value % 10);
    }

    abstract void digit(int d);

    /** Text that may hold UTF-8 (display names, reason phrases, values set in code). */
    abstract void utf8(String s);

    static final class ToArray extends MessageSink {
        private byte[] out;
        private int pos;

        ToArray(int capacity) {
            out = new byte[capacity];
        }

        private void ensure(int n) {
            if (pos + n > out.length) {
                out = Arrays.copyOf(out, Math.max(out.length * 2, pos + n));
            }
        }

        @Override
        void bytes(byte[] src, int off, int len) {
            ensure(len);
            System.arraycopy(src, off, out, pos, len);
            pos += len;
        }

        @Override
        @SuppressWarnings("deprecation")
        void ascii(String s) {
            int n = s.length();
            ensure(n);
            s.getBytes(0, n, out, pos); // deprecated but exact for ASCII and free of encoder overhead
            pos += n;
        }

        @Override
        void digit(int d) {
            ensure(1);
            out[pos++] = (byte) ('0' + d);
        }

        @Override
        void utf8(String s) {
            byte[] b = s.getBytes(StandardCharsets.UTF_8);
            bytes(b, 0, b.length);
        }

        byte[] toArray() {
            return pos == out.length ? out : Arrays.copyOf(out, pos);
        }
    }

    static final class ToByteBuf extends MessageSink {
        private final ByteBuf out;

        ToByteBuf(ByteBuf out) {
            this.out = out;
        }

        @Override
        void bytes(byte[] src, int off, int len) {
            out.writeBytes(src, off, len);
        }

        @Override
        void ascii(String s) {
            ByteBufUtil.writeAscii(out, s);
        }

        @Override
        void digit(int d) {
            out.writeByte('0' + d);
        }

        @Override
        void utf8(String s) {
            ByteBufUtil.writeUtf8(out, s);
        }
    }
}
