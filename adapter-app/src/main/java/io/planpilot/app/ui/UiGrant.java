package io.planpilot.app.ui;

import java.util.Optional;

/**
 * What a visitor of the dashboard may see: everything (the admin token, or a link scoped {@code all}),
 * one connection's figures ({@code connection:<id>}, forced on every page), or one deal's page
 * ({@code deal:<connection>:<dealId>}, what a CRM's deal tab shows).
 *
 * @param token the signed link's token when the page was opened with one ({@code t}): carried along on
 *              every link and form, since a page framed by a CRM cannot rely on cookies; null for a session
 */
public record UiGrant(Scope scope, String connection, String dealId, String token) {

    public enum Scope {
        ALL, CONNECTION, DEAL
    }

    static final String ALL = "all";
    static final String CONNECTION_PREFIX = "connection:";
    static final String DEAL_PREFIX = "deal:";

    static UiGrant all(String token) {
        return new UiGrant(Scope.ALL, null, null, token);
    }

    /** The grant a scope text gives ({@code all}, {@code connection:<id>}, {@code deal:<connection>:<id>}); empty when it is none of them. */
    static Optional<UiGrant> parse(String scope, String token) {
        if (ALL.equals(scope)) {
            return Optional.of(all(token));
        }
        if (scope.startsWith(CONNECTION_PREFIX) && scope.length() > CONNECTION_PREFIX.length()) {
            return Optional.of(new UiGrant(Scope.CONNECTION, scope.substring(CONNECTION_PREFIX.length()), null, token));
        }
        if (scope.startsWith(DEAL_PREFIX)) {
            String rest = scope.substring(DEAL_PREFIX.length());
            int colon = rest.indexOf(':');
            if (colon > 0 && colon < rest.length() - 1) {
                return Optional.of(new UiGrant(Scope.DEAL, rest.substring(0, colon), rest.substring(colon + 1), token));
            }
        }
        return Optional.empty();
    }

    /** The connection every figure is forced to; null when the visitor may choose. */
    public String forcedConnection() {
        return scope == Scope.ALL ? null : connection;
    }

    /** Whether the whole dashboard (not only one deal's page) is open to the visitor. */
    public boolean dashboard() {
        return scope != Scope.DEAL;
    }

    public boolean mayOpenDeal(String dealConnection, String id) {
        return switch (scope) {
            case ALL -> true;
            case CONNECTION -> connection.equals(dealConnection);
            case DEAL -> connection.equals(dealConnection) && dealId.equals(id);
        };
    }
}
