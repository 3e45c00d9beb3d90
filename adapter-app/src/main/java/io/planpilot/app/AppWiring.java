package io.planpilot.app;

import org.springframework.boot.jackson.autoconfigure.JsonMapperBuilderCustomizer;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.transaction.ReactiveTransactionManager;
import org.springframework.transaction.reactive.TransactionalOperator;

import tools.jackson.core.StreamWriteFeature;

import java.time.Clock;

/** The few beans that are not components of their own. */
@Configuration(proxyBeanMethods = false)
class AppWiring {

    @Bean
    Clock clock() {
        return Clock.systemUTC();
    }

    /** Money and ratios go out with every digit and no exponent (KPI.md: full precision). */
    @Bean
    JsonMapperBuilderCustomizer plainDecimals() {
        return builder -> builder.enable(StreamWriteFeature.WRITE_BIGDECIMAL_AS_PLAIN);
    }

    @Bean
    TransactionalOperator transactionalOperator(ReactiveTransactionManager transactions) {
        return TransactionalOperator.create(transactions);
    }
}
