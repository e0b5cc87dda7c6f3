package org.sipcity.registrar.location.jpa;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.GeneratedValue;
import jakarta.persistence.GenerationType;
import jakarta.persistence.Id;
import jakarta.persistence.Index;
import jakarta.persistence.SequenceGenerator;
import jakarta.persistence.Table;
import jakarta.persistence.UniqueConstraint;

import org.sipcity.registrar.location.ContactBinding;

/**
 * A binding row. Indexes: {@code (aor, binding_key)} unique (the lookup by AOR uses its prefix, and a binding is
 * replaced by key), {@code expires_at} for the reaper's range scan. Times are epoch milliseconds in a BIGINT:
 * comparable and indexable the same way on H2, PostgreSQL and MariaDB, with no time-zone conversions.
 */
@Entity(name = "Binding")
@Table(name = Binding.TABLE,
        uniqueConstraints = @UniqueConstraint(name = "uk_binding_aor_key", columnNames = {"aor", "binding_key"}),
        indexes = @Index(name = "ix_binding_expires_at", columnList = "expires_at"))
public class Binding {

    /** The table's name, also used by the write-back's JDBC statements ({@link RowWrites}). */
    static final String TABLE = "sip_binding";

    /** Column widths; MariaDB's 3072-byte index limit (utf8mb4) bounds aor + binding_key. */
    static final int AOR_LENGTH = ContactBinding.MAX_AOR_LENGTH;
    static final int URI_LENGTH = ContactBinding.MAX_URI_LENGTH;
    static final int TEXT_LENGTH = ContactBinding.MAX_TEXT_LENGTH;
    static final int PATH_LENGTH = ContactBinding.MAX_PATH_LENGTH;
    static final int NODE_LENGTH = 64;

    @Id
    @GeneratedValue(strategy = GenerationType.SEQUENCE, generator = "sip_binding_seq")
    @SequenceGenerator(name = "sip_binding_seq", sequenceName = "sip_binding_seq", allocationSize = 100)
    private Long id;

    /**
     * Not updatable, as the key: a row's identity never changes, and an UPDATE without them spares the unique index.
     */
    @Column(name = "aor", nullable = false, length = AOR_LENGTH, updatable = false)
    private String aor;

    /** The binding's key within its AOR, hashed to a fixed width ({@link BindingKeys}). */
    @Column(name = "binding_key", nullable = false, length = BindingKeys.LENGTH, updatable = false)
    private String bindingKey;

    @Column(name = "contact_uri", nullable = false, length = URI_LENGTH)
    private String contactUri;

    @Column(name = "expires_at", nullable = false)
    private long expiresAt;

    /** q in thousandths, -1 when none. */
    @Column(name = "q", nullable = false)
    private int q;

    @Column(name = "call_id", nullable = false, length = TEXT_LENGTH)
    private String callId;

    @Column(name = "cseq", nullable = false)
    private long cseq;

    /** Path header values (RFC 3327), one per line; null when none. */
    @Column(name = "path", length = PATH_LENGTH)
    private String path;

    @Column(name = "instance_id", length = TEXT_LENGTH)
    private String instanceId;

    @Column(name = "reg_id")
    private Integer regId;

    /** The outbound flow (RFC 5626) as a flow token; null when the binding is not a flow. */
    @Column(name = "flow", length = TEXT_LENGTH)
    private String flow;

    /** Where the REGISTER came from (transport, remote and local address). */
    @Column(name = "source", length = TEXT_LENGTH)
    private String source;

    @Column(name = "user_agent", length = TEXT_LENGTH)
    private String userAgent;

    /**
     * The node that wrote the binding and holds its flow (docs/CLUSTERING.md): the server's {@code jboss.node.name}.
     * Null for rows written before nodes were recorded.
     */
    @Column(name = "owner_node", length = NODE_LENGTH)
    private String ownerNode;

    protected Binding() {
    }

    Binding(String aor, String bindingKey, String contactUri, long expiresAt, int q, String callId, long cseq,
            String path, String instanceId, Integer regId, String flow, String source, String userAgent,
            String ownerNode) {
        this.aor = aor;
        this.bindingKey = bindingKey;
        this.contactUri = contactUri;
        this.expiresAt = expiresAt;
        this.q = q;
        this.callId = callId;
        this.cseq = cseq;
        this.path = path;
        this.instanceId = instanceId;
        this.regId = regId;
        this.flow = flow;
        this.source = source;
        this.userAgent = userAgent;
        this.ownerNode = ownerNode;
    }

    /** The stored form of a Path list: one value per line, {@code null} when there is none. */
    static String pathText(java.util.List<String> path) {
        return path.isEmpty() ? null : String.join("\n", path);
    }

    public Long getId() {
        return id;
    }

    public String getAor() {
        return aor;
    }

    public String getBindingKey() {
        return bindingKey;
    }

    public String getContactUri() {
        return contactUri;
    }

    public long getExpiresAt() {
        return expiresAt;
    }

    public int getQ() {
        return q;
    }

    public String getCallId() {
        return callId;
    }

    public long getCseq() {
        return cseq;
    }

    public String getPath() {
        return path;
    }

    public String getInstanceId() {
        return instanceId;
    }

    public Integer getRegId() {
        return regId;
    }

    public String getFlow() {
        return flow;
    }

    public String getSource() {
        return source;
    }

    public String getUserAgent() {
        return userAgent;
    }

    public String getOwnerNode() {
        return ownerNode;
    }
}
