package org.sipcity.registrar.management;

/** The subscriber table: add, change password, remove, count, list, bulk import. */
@Description("Subscribers: users of the registrar's domains and their digest credentials (stored as HA1 only)")
public interface SubscribersMXBean {

    @Description("Subscribers of every domain")
    long getCount();

    @Description("Adds a subscriber; refused when it exists")
    void add(@Name("username") @Description("The user part of the subscriber's AOR") String username,
            @Name("domain") @Description("One of the registrar's domains; also the digest realm") String domain,
            @Name("password") @Description("The password; only its MD5 and SHA-256 HA1 are stored") String password);

    @Description("Changes a subscriber's password; registrations made with the old one stay until they expire")
    void changePassword(@Name("username") @Description("The user part of the subscriber's AOR") String username,
            @Name("domain") @Description("The subscriber's domain") String domain,
            @Name("password") @Description("The new password") String password);

    @Description("Removes a subscriber; its bindings stay until they expire (remove them with registrations remove-bindings)")
    void remove(@Name("username") @Description("The user part of the subscriber's AOR") String username,
            @Name("domain") @Description("The subscriber's domain") String domain);

    @ReadOnly
    @Description("Subscribers as user@domain, ordered by domain then user, one page at a time")
    String[] list(@Name("prefix") @DefaultValue("") @Description("Only users whose name starts with this") String prefix,
            @Name("offset") @DefaultValue("0") @Description("Subscribers to skip") int offset,
            @Name("limit") @DefaultValue("100") @Description("Subscribers to answer, at most 1000") int limit);

    @Description("Imports subscribers from a CSV file on the server: username,domain,password per line (the password is "
            + "everything after the second comma); '#' comments, blank lines and a header line are skipped. Existing "
            + "subscribers are counted and left as they are, so a re-run is harmless; bad lines are reported and skipped")
    ImportResult importCsv(@Name("path") @Description("Absolute path of the UTF-8 file on the server") String path);
}
