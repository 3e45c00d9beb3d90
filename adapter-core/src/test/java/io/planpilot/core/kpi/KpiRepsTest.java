package io.planpilot.core.kpi;

import io.planpilot.core.domain.ActivityType;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static io.planpilot.core.domain.ActivityType.CALL;
import static io.planpilot.core.domain.ActivityType.EMAIL;
import static io.planpilot.core.domain.ActivityType.MEETING;
import static io.planpilot.core.domain.ActivityType.OTHER;
import static io.planpilot.core.domain.ActivityType.TASK;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * KPI.md "Reps", by hand. Moscow; P = 2026-11; t = 2026-11-20 12:00 MSK; stale 14 days, so the
 * stale boundary is t − 14×24 h = 2026-11-06 12:00 MSK. A bare date is noon MSK.
 */
class KpiRepsTest {

    private static final String NOV = "2026-11";
    private static final String T = "2026-11-20";

    @Test
    void activitiesDoneByTypeBelongToTheirOwnOwner() {
        CrmFixture f = CrmFixture.crm().rep("u1", "Anna").rep("u2", "Boris");
        f.deal("d1").owner("u2").created("2026-11-02");
        f.deal("w1").owner("u1").won("2026-11-12").amount(1000);
        f.deal("w2").owner("u1").won("2026-11-14").amount(500).currency("EUR");
        f.deal("l1").owner("u1").lost("2026-11-15");
        f.deal("l2").owner("u1").lost("2026-11-16");
        f.activity(CALL).owner("u1").done("2026-11-03");
        f.activity(CALL).owner("u1").deal("d1").done("2026-11-05");       // on u2's deal: still u1's
        f.activity(MEETING).owner("u1").done("2026-11-10");
        f.activity(TASK).owner("u1").due("2026-11-08").done("2026-11-07");
        f.activity(EMAIL).owner("u1").done("2026-10-30");                 // before P
        f.activity(CALL).owner("u1").done("2026-11-22");                  // completed after t: not done
        f.activity(OTHER).owner("u1").created("2026-11-01");              // not completed
        f.activity(CALL).owner("u1").done("2026-11-06").deleted();        // deleted
        f.activity(EMAIL).owner("u2").done("2026-11-04");
        f.activity(CALL).owner("u2").done(T);                             // completed exactly at t: done

        List<RepFigures> reps = f.engine().reps(f.query(NOV, T));

        assertThat(reps).extracting(RepFigures::key).containsExactly("u1", "u2");
        RepFigures anna = rep(reps, "u1");
        assertThat(anna.name()).isEqualTo("Anna");
        assertThat(anna.activitiesDone()).isEqualTo(Map.of(CALL, 2L, MEETING, 1L, EMAIL, 0L, TASK, 1L, OTHER, 0L));
        // won w1 1000 + w2 540 = 1540; 2 won of 4 closed
        assertThat(anna.wonAmount()).isEqualByComparingTo("1540");
        assertThat(anna.wonCount()).isEqualTo(2);
        assertThat(anna.winRate()).isEqualByComparingTo("0.5");
        // 4 done / 2 won
        assertThat(anna.activitiesPerWon()).isEqualByComparingTo("2");

        RepFigures boris = rep(reps, "u2");
        assertThat(boris.name()).isEqualTo("Boris");
        assertThat(boris.activitiesDone()).isEqualTo(Map.of(CALL, 1L, MEETING, 0L, EMAIL, 1L, TASK, 0L, OTHER, 0L));
        assertThat(boris.wonCount()).isZero();
        assertThat(boris.wonAmount()).isEqualByComparingTo("0");
        assertThat(boris.winRate()).isNull();
        assertThat(boris.activitiesPerWon()).isNull();   // no won deal
    }

    @Test
    void taskCompletionCountsTasksDueInPBeforeTAndOverdueTasksAnyPeriod() {
        CrmFixture f = CrmFixture.crm().rep("u1", "Anna").rep("u2", "Boris");
        f.activity(TASK).owner("u1").due("2026-11-05T18:00").done("2026-11-05T17:00");  // t1 on time
        f.activity(TASK).owner("u1").due("2026-11-06T18:00").done("2026-11-08");        // t2 late
        f.activity(TASK).owner("u1").due("2026-11-10T18:00");                            // t3 not done: late, overdue
        f.activity(TASK).owner("u1").due("2026-11-25T18:00");                            // t4 due after t: neither
        f.activity(TASK).owner("u1").due("2026-10-28T18:00");                            // t5 due before P: overdue only
        f.activity(TASK).owner("u1").due("2026-11-12T18:00").done("2026-11-12T18:00");  // t6 done at its due time: on time
        f.activity(TASK).owner("u1").due("2026-11-15T18:00").done("2026-11-21");        // t7 done after t: late, overdue
        f.activity(TASK).owner("u1").due("2026-11-13T18:00").deleted();                  // t8 deleted
        f.activity(CALL).owner("u1").due("2026-11-09T18:00");                            // t9 not a task
        f.activity(TASK).owner("u1").created("2026-11-21").due("2026-11-19T18:00");      // t10 created after t

        List<RepFigures> reps = f.engine().reps(f.query(NOV, T));

        RepFigures anna = rep(reps, "u1");
        // on time {t1, t6} / due in P before t {t1, t2, t3, t6, t7} = 2/5
        assertThat(anna.taskCompletion()).isEqualByComparingTo("0.4");
        // not completed at t, due before t: t3, t5, t7
        assertThat(anna.overdueTasks()).isEqualTo(3);

        RepFigures boris = rep(reps, "u2");
        assertThat(boris.taskCompletion()).isNull();     // none due
        assertThat(boris.overdueTasks()).isZero();
    }

    @Test
    void staleDealsAreOpenDealsWithoutActivityForMoreThanStaleDays() {
        CrmFixture f = CrmFixture.crm().rep("u1", "Anna").rep("u2", "Boris");
        f.deal("s1").owner("u1");
        f.activity(CALL).owner("u1").deal("s1").created("2026-11-06T12:00");              // exactly 14×24 h: not stale
        f.deal("s2").owner("u1");
        f.activity(CALL).owner("u1").deal("s2").created("2026-11-06T11:59:59");           // a second more: stale
        f.deal("s3").owner("u1").created("2026-11-06T11:00");                             // no activity, createdAt: stale
        f.deal("s4").owner("u1").created("2026-11-10");                                   // no activity, recent: not stale
        f.deal("s5").owner("u1");
        f.activity(CALL).owner("u1").deal("s5").created("2026-10-01").done("2026-11-10"); // completed recently: not stale
        f.deal("s6").owner("u1");
        f.activity(CALL).owner("u1").deal("s6").created("2026-10-01").done("2026-11-21"); // completed after t: 10-01 counts: stale
        f.deal("s7").owner("u1").won("2026-11-15");                                       // closed: not counted
        f.deal("s8").owner("u2");
        f.activity(CALL).owner("u1").deal("s8").created("2026-10-01");                    // u1's activity, u2's deal: u2 stale
        f.deal("s9").owner("u1");
        f.activity(CALL).owner("u1").deal("s9").created("2026-11-21");                    // created after t: none: stale
        f.deal("s10").owner("u1");
        f.activity(CALL).owner("u1").deal("s10").created("2026-11-18").deleted();         // deleted: none: stale
        f.deal("s11").owner("u1").won("2026-11-25");                                      // closed after t: open, stale

        List<RepFigures> reps = f.engine().reps(f.query(NOV, T));

        // u1: s2 s3 s6 s9 s10 s11
        assertThat(rep(reps, "u1").staleDeals()).isEqualTo(6);
        // u2: s8
        assertThat(rep(reps, "u2").staleDeals()).isEqualTo(1);
    }

    @Test
    void staleDaysComeFromTheSettings() {
        CrmFixture f = CrmFixture.crm().staleDays(3).rep("u1", "Anna");
        f.deal("s1").owner("u1").created("2026-11-17T12:00");   // exactly 3×24 h before t: not stale
        f.deal("s2").owner("u1").created("2026-11-17T11:00");   // stale

        assertThat(rep(f.engine().reps(f.query(NOV, T)), "u1").staleDeals()).isEqualTo(1);
    }

    @Test
    void rowsCoverActiveUsersAndUsersWithDealsOrActivitiesInP() {
        CrmFixture f = CrmFixture.crm()
                .rep("u1", "Anna")
                .inactiveRep("u3", "Carl")            // inactive, nothing: absent
                .rep("u4", "Dana")                    // active, nothing: present
                .inactiveRep("u5", "Eve")             // inactive, an activity done in P: present
                .inactiveRep("u6", "Fay")             // inactive, a deal created in P: present
                .inactiveRep("u7", "Gus");            // inactive, a deal closed before P: absent
        f.deal("d1").owner("u1").won("2026-11-10").amount(100);
        f.activity(CALL).owner("u5").done("2026-11-05");
        f.deal("d6").owner("u6").created("2026-11-10");
        f.deal("d7").owner("u7").lost("2026-09-15");

        List<RepFigures> reps = f.engine().reps(f.query(NOV, T));

        assertThat(reps).extracting(RepFigures::key).containsExactly("u1", "u4", "u5", "u6");
        RepFigures dana = rep(reps, "u4");
        assertThat(dana.name()).isEqualTo("Dana");
        assertThat(dana.wonAmount()).isEqualByComparingTo("0");
        assertThat(dana.wonCount()).isZero();
        assertThat(dana.winRate()).isNull();
        assertThat(dana.activitiesDone()).isEqualTo(Map.of(CALL, 0L, MEETING, 0L, EMAIL, 0L, TASK, 0L, OTHER, 0L));
        assertThat(dana.activitiesPerWon()).isNull();
        assertThat(dana.taskCompletion()).isNull();
        assertThat(dana.overdueTasks()).isZero();
        assertThat(dana.staleDeals()).isZero();
        assertThat(rep(reps, "u5").activitiesDone()).containsEntry(ActivityType.CALL, 1L);
    }

    @Test
    void withTwoConnectionsRepKeysCarryTheConnection() {
        CrmFixture f = CrmFixture.crm().standardPipeline("b")
                .rep("crm", "u1", "Anna", true)
                .rep("b", "u1", "Boris", true);
        f.deal("d1").owner("u1").won("2026-11-10").amount(100);
        f.deal("d1").connection("b").owner("u1").won("2026-11-10").amount(200);
        f.activity(CALL).connection("b").owner("u1").done("2026-11-05");
        KpiEngine engine = f.engine();

        List<RepFigures> all = engine.reps(f.query(NOV, T));
        assertThat(all).extracting(RepFigures::key).containsExactly("b:u1", "crm:u1");
        assertThat(all).extracting(RepFigures::name).containsExactly("Boris", "Anna");
        assertThat(rep(all, "b:u1").activitiesDone()).containsEntry(CALL, 1L);
        assertThat(rep(all, "crm:u1").activitiesDone()).containsEntry(CALL, 0L);

        List<RepFigures> onlyB = engine.reps(f.query(NOV, T, "b"));
        assertThat(onlyB).extracting(RepFigures::key).containsExactly("u1");
        assertThat(onlyB.get(0).wonAmount()).isEqualByComparingTo("200");
    }

    private static RepFigures rep(List<RepFigures> reps, String key) {
        return reps.stream().filter(r -> r.key().equals(key)).findFirst()
                .orElseThrow(() -> new AssertionError("no rep " + key + " in " + reps.stream().map(RepFigures::key).toList()));
    }
}
