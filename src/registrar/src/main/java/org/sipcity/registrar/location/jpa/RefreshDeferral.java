package org.sipcity.registrar.location.jpa;

import java.time.Clock;
import java.time.Duration;

/**
 * When write-back may leave a refresh out of the database for a while: the rule behind the setting
 * {@code stored-expiry-lag-percent}. Kamailio's usrloc in write-back (db_mode 2) writes a record once per timer
 * interval however often it was refreshed; this writes a refresh when the stored copy would otherwise fall too far
 * behind the binding in memory, and not at every flush.
 * <p>
 * A refresh changes only a binding's expiry, Call-ID, CSeq and the connection it came over (a new TCP or TLS
 * connection, of no use once this process is gone). Its row may keep the older values while, seen from
 * the flush's <em>horizon</em> (now plus {@link #lookaheadMillis()}, by when the flusher looks at the row again):
 * <ul>
 * <li>the stored expiry is not later than the new one (a shortened lifetime is written at once: a row must never
 * outlive its binding, or a restart would bring back a binding its UA let go);</li>
 * <li>the row has at least {@link #guardMillis()} left, so a late or failed flush still has time to write it;</li>
 * <li>the row keeps at least (100 − lag)% of the life the binding has left in memory.</li>
 * </ul>
 * As time passes with no new REGISTER, the last condition fails before the row lapses; the flusher then writes the new
 * expiry (it files each deferred row under the time it falls due, {@link #writeDueAt}, and looks at those due at every
 * flush). So after a crash a binding's row still has
 * (100 − lag)% of the life the binding had left, and the reaper never meets the row of a live binding. For a UA that
 * refreshes regularly, every period P, a refresh is deferred only when P ≤ lag% of its lifetime L, and the row then
 * lasts at least (100 − lag)% of L ≥ P beyond it: that is why the lag is at most {@value #MAX_LAG_PERCENT}%.
 * <p>
 * A lag of 0 defers nothing: every refresh is written at the next flush.
 */
public final class RefreshDeferral {

    /** Above this a regularly refreshing UA's row could lapse before its next refresh (see the class comment). */
    public static final int MAX_LAG_PERCENT = 50;
    /** The lag the registrar uses unless configured. */
    public static final int DEFAULT_LAG_PERCENT = 25;
    /** Every refresh written at the next flush. */
    public static final RefreshDeferral NONE = new RefreshDeferral(0, Duration.ofSeconds(1), Clock.systemUTC());

    /** The shortest look-ahead. */
    private static final long MIN_LOOKAHEAD_MILLIS = 10_000;

    private final int lagPercent;
    private final long lookaheadMillis;
    private final long guardMillis;
    private final Clock clock;

    /**
     * @param lagPercent    0 to {@value #MAX_LAG_PERCENT}: how much of a binding's remaining life its stored expiry may
     *                      lag behind; 0 writes every refresh
     * @param flushInterval the write-back interval: a deferred row is looked at again every 10 s or two intervals,
     *                      whichever is longer, and keeps three times that before it lapses
     * @param clock         the time the rule is applied at
     */
    public RefreshDeferral(int lagPercent, Duration flushInterval, Clock clock) {
        if (lagPercent < 0 || lagPercent > MAX_LAG_PERCENT) {
            throw new IllegalArgumentException("the stored expiry's lag is 0 to " + MAX_LAG_PERCENT + " percent, not "
                    + lagPercent);
        }
        this.lagPercent = lagPercent;
        this.lookaheadMillis = Math.max(MIN_LOOKAHEAD_MILLIS, 2 * flushInterval.toMillis());
        this.guardMillis = 3 * lookaheadMillis;
        this.clock = clock;
    }

    /** Whether any refresh is ever deferred. */
    public boolean isActive() {
        return lagPercent > 0;
    }

    public int lagPercent() {
        return lagPercent;
    }

    /** How far ahead of now each flush decides (a deferred row is written at least this long before it falls behind). */
    public long lookaheadMillis() {
        return lookaheadMillis;
    }

    /** The least life a deferred row keeps beyond the horizon. */
    public long guardMillis() {
        return guardMillis;
    }

    long now() {
        return clock.millis();
    }

    /** The horizon of a flush starting now. */
    long horizon() {
        return now() + lookaheadMillis;
    }

    /**
     * Whether a row whose expiry lies between {@code storedFrom} and {@code storedTo} (ms; equal when known exactly)
     * may stay as it is for a binding expiring at {@code expiry}, until {@code horizon}.
     */
    boolean mayDefer(long storedFrom, long storedTo, long expiry, long horizon) {
        if (lagPercent == 0 || expiry < storedTo) {
            return false;
        }
        long rowLeft = storedFrom - horizon;
        return rowLeft >= guardMillis && rowLeft * 100 >= (100L - lagPercent) * (expiry - horizon);
    }

    /**
     * The first time (ms) at which a flush must write a row that {@link #mayDefer} lets stay now: from then on the
     * flush's horizon (that time plus {@link #lookaheadMillis()}) lies past the last horizon at which the row may stay.
     * {@link Long#MIN_VALUE} when it may not stay at all. The last such horizon is the earlier of the two limits of
     * {@link #mayDefer}: {@code storedFrom − guard}, and the largest {@code h} with {@code lag × h ≤ 100 × storedFrom −
     * (100 − lag) × expiry} (the share of the remaining life, solved for the horizon). The flusher files a deferred row
     * under this time, so it looks at the rows that fall due and not at every row.
     */
    long writeDueAt(long storedFrom, long storedTo, long expiry) {
        if (lagPercent == 0 || expiry < storedTo) {
            return Long.MIN_VALUE;
        }
        long lastHorizon = Math.min(storedFrom - guardMillis,
                Math.floorDiv(100 * storedFrom - (100L - lagPercent) * expiry, lagPercent));
        return lastHorizon - lookaheadMillis + 1;
    }
}
