package org.sipcity.stack.message;

import java.util.List;

import org.sipcity.stack.address.CSeq;
import org.sipcity.stack.address.NameAddress;
import org.sipcity.stack.address.Via;

/**
 * What {@code SipMessageParser} hands to the message model: the received bytes (owned by the message from then
 * on and never written), where the start line and body lie, the header index, and the system headers it has
 * already parsed and checked (so the message never parses them again). From and To are null when the parser
 * checked them as plain and left them to be parsed on first read, as is Call-ID (checked, read as text on first
 * read). In a partial request (one that failed
 * to parse but can still be answered) any of the parsed values may be null: its typed getters then return null
 * (or -1) for a system header that is malformed instead of failing; {@code maxForwards} is -1 when the field is
 * absent (or, in a partial request, invalid).
 *
 * @param bytes          the received message, copied once by the parser
 * @param startLineStart offset of the start line (after any leading CRLFs)
 * @param headersStart   offset just after the start line's CRLF
 * @param headers        the header index over {@code bytes}
 * @param bodyOffset     offset of the body
 * @param bodyLength     length of the body (Content-Length, RFC 3261 §18.3)
 * @param partial        whether this is the partial request of a parse failure
 */
public record WireParts(byte[] bytes, int startLineStart, int headersStart, HeaderIndex headers,
                        int bodyOffset, int bodyLength, List<Via> vias, NameAddress from, NameAddress to,
                        CSeq cseq, int maxForwards,
                        boolean partial) {
}
