package org.sipcity.stack.overload;

/** The valve's view of the server. */
public enum OverloadState {
    /** Every message is admitted. */
    NORMAL,
    /** New work is shed with the current loss fraction; left only after the load stayed low for the hold time. */
    OVERLOADED
}
