package org.sipcity.registrar.registration;

/** A REGISTER refused while its contacts are read; carries the error answer. Never leaves this package. */
final class RegisterRejection extends Exception {

    private static final long serialVersionUID = 1L;

    private final transient RegistrarOutcome outcome;

    RegisterRejection(RegistrarOutcome outcome) {
        super(outcome.reason(), null, false, false);
        this.outcome = outcome;
    }

    RegistrarOutcome outcome() {
        return outcome;
    }
}
