package org.sipcity.registrar.subscriber;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.GeneratedValue;
import jakarta.persistence.GenerationType;
import jakarta.persistence.Id;
import jakarta.persistence.SequenceGenerator;
import jakarta.persistence.Table;
import jakarta.persistence.UniqueConstraint;

/**
 * A subscriber: a user of one domain and its digest credentials, stored only as HA1 hashes (RFC 7616 §3.4.2:
 * H(username:realm:password), the realm being the domain) so that a copy of the table does not reveal passwords.
 * The unique {@code (username, domain)} index is also the authentication lookup's index.
 */
@Entity(name = "Subscriber")
@Table(name = "sip_subscriber",
        uniqueConstraints = @UniqueConstraint(name = "uk_subscriber_user_domain", columnNames = {"username", "domain"}))
public class Subscriber {

    static final int NAME_LENGTH = 128;

    @Id
    @GeneratedValue(strategy = GenerationType.SEQUENCE, generator = "sip_subscriber_seq")
    @SequenceGenerator(name = "sip_subscriber_seq", sequenceName = "sip_subscriber_seq", allocationSize = 1000)
    private Long id;

    @Column(name = "username", nullable = false, length = NAME_LENGTH)
    private String username;

    @Column(name = "domain", nullable = false, length = NAME_LENGTH)
    private String domain;

    @Column(name = "ha1_md5", nullable = false, length = 32)
    private String ha1Md5;

    @Column(name = "ha1_sha256", nullable = false, length = 64)
    private String ha1Sha256;

    protected Subscriber() {
    }

    Subscriber(String username, String domain, String ha1Md5, String ha1Sha256) {
        this.username = username;
        this.domain = domain;
        this.ha1Md5 = ha1Md5;
        this.ha1Sha256 = ha1Sha256;
    }

    public Long getId() {
        return id;
    }

    public String getUsername() {
        return username;
    }

    public String getDomain() {
        return domain;
    }

    public String getHa1Md5() {
        return ha1Md5;
    }

    public String getHa1Sha256() {
        return ha1Sha256;
    }

    void setHa1(String md5, String sha256) {
        this.ha1Md5 = md5;
        this.ha1Sha256 = sha256;
    }
}
