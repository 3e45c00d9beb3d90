package io.planpilot.app.database;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.flyway.autoconfigure.FlywayMigrationStrategy;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/** Migrates the schema once the database is up: the embedded one may still be starting. */
@Configuration(proxyBeanMethods = false)
class DatabaseMigration {

    @Bean
    FlywayMigrationStrategy migrateWhenDatabaseIsUp(ObjectProvider<EmbeddedDatabase> embedded) {
        return flyway -> {
            embedded.ifAvailable(EmbeddedDatabase::awaitReady);
            flyway.migrate();
        };
    }
}
