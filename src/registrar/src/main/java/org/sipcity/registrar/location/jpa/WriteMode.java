package org.sipcity.registrar.location.jpa;

/** When a binding change reaches the database (Kamailio usrloc's db_mode 1 and 2). */
public enum WriteMode {
    /** The change is committed before {@code apply} returns: the 200 OK promises a stored binding. */
    WRITE_THROUGH,
    /**
     * The change is visible in memory at once and committed with others every flush interval; a crash loses at most
     * the changes of one interval (the UAs re-register at their next refresh).
     */
    WRITE_BACK
}
