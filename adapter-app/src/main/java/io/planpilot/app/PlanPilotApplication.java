package io.planpilot.app;

import io.planpilot.app.config.InvalidConfigurationException;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.scheduling.annotation.EnableScheduling;

@SpringBootApplication
@EnableScheduling
public class PlanPilotApplication {

    public static void main(String[] args) {
        if (io.planpilot.app.config.AdapterCheck.requested(args)) {
            System.exit(io.planpilot.app.config.AdapterCheck.run(args, System.out));
        }
        try {
            SpringApplication.run(PlanPilotApplication.class, args);
        } catch (InvalidConfigurationException e) {
            // CONTRACT.md: one line per problem on standard error, exit status 1
            e.problems().forEach(problem -> System.err.println(problem));
            System.exit(1);
        }
    }
}
