package io.planpilot.app.placement;

import io.planpilot.app.security.SecretBox;
import org.springframework.r2dbc.core.DatabaseClient;
import org.springframework.stereotype.Component;
import reactor.core.publisher.Mono;

import java.time.Instant;

/**
 * The CRM applications installed per connection ({@code crm_app_install}): the portal that installed
 * it and the application's OAuth tokens, sealed with {@link SecretBox} before they are stored.
 */
@Component
public class AppInstalls {

    private final DatabaseClient db;
    private final SecretBox box;

    public AppInstalls(DatabaseClient db, SecretBox box) {
        this.db = db;
        this.box = box;
    }

    /** An installation with its tokens opened. */
    public record Install(String connection, String crm, String domain, String memberId, String accessToken,
                          String refreshToken, Instant expiresAt, Instant installedAt) {
        @Override
        public String toString() {
            return "Install[connection=" + connection + ", crm=" + crm + ", domain=" + domain + ", memberId=" + memberId
                    + ", tokens=***, expiresAt=" + expiresAt + ", installedAt=" + installedAt + "]";
        }
    }

    public Mono<Install> find(String connection) {
        return db.sql("select * from crm_app_install where connection = :connection")
                .bind("connection", connection)
                .map(row -> new Install(row.get("connection", String.class), row.get("crm", String.class),
                        row.get("domain", String.class), row.get("member_id", String.class),
                        box.open(row.get("access_token", String.class)), box.open(row.get("refresh_token", String.class)),
                        row.get("expires_at", Instant.class), row.get("installed_at", Instant.class)))
                .one();
    }

    /** Stores an installation (a new one, or the same portal installing again); {@code installedAt} of the first stays. */
    public Mono<Void> save(Install install, Instant now) {
        return db.sql("""
                        insert into crm_app_install (connection, crm, domain, member_id, access_token, refresh_token,
                                                     expires_at, installed_at, updated_at)
                        values (:connection, :crm, :domain, :member, :access, :refresh, :expires, :now, :now)
                        on conflict (connection) do update set crm = excluded.crm, domain = excluded.domain,
                            member_id = excluded.member_id, access_token = excluded.access_token,
                            refresh_token = excluded.refresh_token, expires_at = excluded.expires_at,
                            updated_at = excluded.updated_at""")
                .bind("connection", install.connection())
                .bind("crm", install.crm())
                .bind("domain", install.domain())
                .bind("member", install.memberId())
                .bind("access", box.seal(install.accessToken()))
                .bind("refresh", box.seal(install.refreshToken()))
                .bind("expires", install.expiresAt())
                .bind("now", now)
                .then();
    }

    /** Replaces the tokens after a refresh. */
    public Mono<Void> renew(String connection, String accessToken, String refreshToken, Instant expiresAt, Instant now) {
        return db.sql("""
                        update crm_app_install set access_token = :access, refresh_token = :refresh, expires_at = :expires,
                            updated_at = :now where connection = :connection""")
                .bind("connection", connection)
                .bind("access", box.seal(accessToken))
                .bind("refresh", box.seal(refreshToken))
                .bind("expires", expiresAt)
                .bind("now", now)
                .then();
    }
}
