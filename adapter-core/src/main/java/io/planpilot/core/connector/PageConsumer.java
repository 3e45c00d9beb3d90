package io.planpilot.core.connector;

/** Takes a page; when {@link #accept} returns, the page and its cursor are stored durably. */
@FunctionalInterface
public interface PageConsumer {
    void accept(SyncPage page);
}
