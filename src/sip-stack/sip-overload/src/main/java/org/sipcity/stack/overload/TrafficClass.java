package org.sipcity.stack.overload;

import io.netty.buffer.ByteBuf;
import org.sipcity.stack.classify.FirstLineClassifier;
import org.sipcity.stack.classify.KnownMethod;
import org.sipcity.stack.classify.MessageKind;

/**
 * The priority of a message under overload, highest first, decided from its first line and, for requests, one
 * bounded byte scan of its head. Work the server has already accepted comes first, since shedding it wastes what
 * was spent on it; new work comes last (Ono and Schulzrinne §7.1; RFC 7339 §5.10 leaves the choice to the server).
 */
public enum TrafficClass {

    /** Responses: they complete transactions already under way. Never shed. */
    RESPONSE,

    /**
     * Requests inside work already accepted: ACK, CANCEL, BYE, PRACK (by method,
     * {@link KnownMethod#inDialogOnly()}), and any request whose To carries a tag (RFC 3261 §12.2.1.1: a
     * request within a dialog has the remote tag in To). Never shed while the server has capacity.
     */
    IN_DIALOG,

    /**
     * REGISTER with an {@code Authorization} field. The cheap distinction chosen: a registrar challenges a
     * REGISTER without credentials (RFC 3261 §22, a 401 that costs little), and a user agent sends credentials on
     * the retry after that challenge and on its refreshes (it reuses them, §22.3). So a REGISTER with credentials
     * finishes or renews a registration the server has already invested in; shedding it would make the user agent
     * start over. Shed only once all {@link #NEW_WORK} is shed.
     */
    REGISTER_REFRESH,

    /**
     * New work: out-of-dialog INVITE, SUBSCRIBE, MESSAGE, OPTIONS, REGISTER without credentials and every other
     * request without a To tag; also messages whose first line cannot be classified. Shed first.
     */
    NEW_WORK;

    private static final TrafficClass[] VALUES = values();

    /** All classes, indexable by ordinal (no copy). */
    static TrafficClass ofOrdinal(int ordinal) {
        return VALUES[ordinal];
    }

    /**
     * The class of {@code message} (its readable bytes), given its first-line classification from
     * {@link FirstLineClassifier#classify}. Only requests that are not in-dialog by method cost a head scan,
     * which stops at the To field (or, for REGISTER, at the Authorization field).
     */
    public static TrafficClass of(long classification, ByteBuf message) {
        TrafficClass byFirstLine = ofFirstLine(classification);
        if (byFirstLine != null) {
            return byFirstLine;
        }
        if (FirstLineClassifier.kind(classification) != MessageKind.REQUEST) {
            return NEW_WORK;
        }
        if (FirstLineClassifier.method(classification) == KnownMethod.REGISTER) {
            return has(message, HeaderCursor.AUTHORIZATION) ? REGISTER_REFRESH : NEW_WORK;
        }
        return hasToTag(message) ? IN_DIALOG : NEW_WORK;
    }

    /**
     * The class as far as the first line tells it, with no scan: {@link #RESPONSE}, {@link #IN_DIALOG} for an
     * in-dialog-only method, or {@code null} when the head must be looked at.
     */
    static TrafficClass ofFirstLine(long classification) {
        MessageKind kind = FirstLineClassifier.kind(classification);
        if (kind == MessageKind.RESPONSE) {
            return RESPONSE;
        }
        if (kind == MessageKind.REQUEST && FirstLineClassifier.method(classification).inDialogOnly()) {
            return IN_DIALOG;
        }
        return null;
    }

    private static boolean hasToTag(ByteBuf message) {
        HeadBytes head = HeadBytes.of(message);
        HeaderCursor cursor = new HeaderCursor(head);
        while (cursor.next()) {
            if (cursor.header() == HeaderCursor.TO) {
                return FieldValues.hasParameter(head.bytes, cursor.valueStart(), cursor.fieldEnd(), "tag");
            }
        }
        return false;
    }

    private static boolean has(ByteBuf message, int header) {
        HeaderCursor cursor = new HeaderCursor(HeadBytes.of(message));
        while (cursor.next()) {
            if (cursor.header() == header) {
                return true;
            }
        }
        return false;
    }
}
