package io.planpilot.connector.support;

import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * The CRM's name of a Feign method's call, for messages ({@code crm.deal.list}); without it the
 * name is the method and path template ({@code GET /api/deals}). Keep the names as constants of the
 * client interface and pass the same constant to {@link CrmResilience#call}.
 */
@Retention(RetentionPolicy.RUNTIME)
@Target(ElementType.METHOD)
public @interface CrmEndpoint {
    String value();
}
