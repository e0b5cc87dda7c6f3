package org.sipcity.loadgen;

/**
 * What a latency probe sends on a registered flow: a REGISTER refresh (the registrar's work, the paper's Figure 4),
 * or an out-of-dialog OPTIONS (the server's answer path without the location service).
 */
public enum ProbeMethod {
    REGISTER, OPTIONS
}
