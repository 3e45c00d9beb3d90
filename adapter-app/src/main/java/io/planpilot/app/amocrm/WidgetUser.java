package io.planpilot.app.amocrm;

import java.time.Instant;

/**
 * Who called the widget backend, as a verified {@code X-Auth-Token} says.
 *
 * @param userId    {@code user_id}: the amoCRM user in front of the widget
 * @param accountId {@code account_id}
 * @param subdomain {@code subdomain}
 * @param tokenId   {@code jti}, for the log
 * @param expires   {@code exp}
 */
record WidgetUser(String userId, String accountId, String subdomain, String tokenId, Instant expires) {
}
