package org.sipcity.registrar.management;

import java.util.List;

/** The location table: counts, the bindings of one AOR, and removing bindings. */
@Description("Registrations: bindings of addresses-of-record to contacts (RFC 3261 section 10)")
public interface RegistrationsMXBean {

    @Description("Unexpired bindings in the location table, of every AOR")
    long getBindingCount();

    @Description("Addresses-of-record with at least one unexpired binding")
    long getAorCount();

    @ReadOnly
    @Description("The unexpired bindings of one address-of-record: contact, remaining seconds, q, outbound instance and reg-id, "
            + "the flow the REGISTER came over, its source address, User-Agent, Call-ID, CSeq and Path")
    List<BindingInfo> listBindings(
            @Name("aor") @Description("The address-of-record, as user@domain or sip:user@domain") String aor);

    @Description("Removes the binding of an address-of-record to one contact; the UA's next refresh registers it again")
    void removeBinding(
            @Name("aor") @Description("The address-of-record, as user@domain or sip:user@domain") String aor,
            @Name("contact") @Description("The contact URI of the binding, as list-bindings shows it") String contact);

    @Description("Removes every binding of an address-of-record, as a REGISTER with Contact: * would; answers how many there were")
    int removeBindings(
            @Name("aor") @Description("The address-of-record, as user@domain or sip:user@domain") String aor);
}
