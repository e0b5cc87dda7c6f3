package org.sipcity.stack.transport.netty;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import java.net.Inet4Address;
import java.net.InetSocketAddress;

/**
 * The STUN server side of RFC 5626 §4.4.2 keep-alives on UDP: a user agent sends STUN Binding requests
 * (RFC 5389) to the SIP port and learns from the XOR-MAPPED-ADDRESS of the answer whether its NAT binding
 * changed. STUN and SIP share the port: a STUN message starts with two zero bits, a SIP message with a
 * letter (RFC 5389 §8), and carries the magic cookie at offset 4.
 *
 * <p>Only the Binding request is answered, with XOR-MAPPED-ADDRESS alone: no authentication, no
 * FINGERPRINT, which RFC 5626 §8.4 does not require of the keep-alive server.
 */
public final class StunKeepAlive {

    private static final int HEADER_LENGTH = 20;
    private static final int MAGIC_COOKIE = 0x2112A442;
    private static final int BINDING_REQUEST = 0x0001;
    private static final int BINDING_SUCCESS_RESPONSE = 0x0101;
    private static final int XOR_MAPPED_ADDRESS = 0x0020;
    private static final int FAMILY_IPV4 = 0x01;
    private static final int FAMILY_IPV6 = 0x02;

    private StunKeepAlive() {
    }

    /** True for a well-formed STUN Binding request header whose length matches the datagram. */
    public static boolean isBindingRequest(ByteBuf datagram) {
        int start = datagram.readerIndex();
        int length = datagram.readableBytes();
        if (length < HEADER_LENGTH || (datagram.getByte(start) & 0xC0) != 0) {
            return false;
        }
        int attributesLength = datagram.getUnsignedShort(start + 2);
        return datagram.getUnsignedShort(start) == BINDING_REQUEST
                && datagram.getInt(start + 4) == MAGIC_COOKIE
                && (attributesLength & 3) == 0
                && HEADER_LENGTH + attributesLength == length;
    }

    /**
     * True if the datagram is STUN: first two bits zero and the magic cookie in bytes 4-7 (RFC 5389 §6). The first
     * two bits alone do not tell: a SIP method is a token, and tokens may start with a digit or one of
     * {@code ! % ' * + - .}, all below 0x40 (RFC 4475 §3.1.1.3 starts a request with "!interesting-Method").
     */
    public static boolean looksLikeStun(ByteBuf datagram) {
        int start = datagram.readerIndex();
        return datagram.readableBytes() >= HEADER_LENGTH
                && (datagram.getByte(start) & 0xC0) == 0
                && datagram.getInt(start + 4) == MAGIC_COOKIE;
    }

    /** The Binding success response to {@code request}, telling the sender the address it was seen from. */
    public static ByteBuf bindingResponse(ByteBufAllocator alloc, ByteBuf request, InetSocketAddress sender) {
        byte[] address = sender.getAddress().getAddress();
        boolean ipv4 = sender.getAddress() instanceof Inet4Address;
        int attributeValueLength = 4 + address.length;
        ByteBuf response = alloc.directBuffer(HEADER_LENGTH + 4 + attributeValueLength);
        int start = request.readerIndex();
        response.writeShort(BINDING_SUCCESS_RESPONSE)
                .writeShort(4 + attributeValueLength)
                .writeInt(MAGIC_COOKIE)
                .writeBytes(request, start + 8, 12); // transaction id
        response.writeShort(XOR_MAPPED_ADDRESS)
                .writeShort(attributeValueLength)
                .writeByte(0)
                .writeByte(ipv4 ? FAMILY_IPV4 : FAMILY_IPV6)
                .writeShort(sender.getPort() ^ (MAGIC_COOKIE >>> 16));
        // RFC 5389 §15.2: the address XORed with the magic cookie, then (IPv6) with the transaction id.
        for (int i = 0; i < address.length; i++) {
            int mask = i < 4 ? (MAGIC_COOKIE >>> (24 - 8 * i)) & 0xFF : request.getUnsignedByte(start + 8 + i - 4);
            response.writeByte((address[i] & 0xFF) ^ mask);
        }
        return response;
    }
}
