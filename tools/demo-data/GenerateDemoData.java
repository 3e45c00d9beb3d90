import java.io.IOException;
import java.io.UncheckedIOException;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.LocalTime;
import java.time.YearMonth;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.TreeMap;

/**
 * Turns the public "CRM + Sales Opportunities" sample data set (Maven Analytics) into demo export
 * files for PlanPilot's CSV connector, plus a demo plan file.
 *
 * <pre>
 * java tools/demo-data/GenerateDemoData.java &lt;input-dir&gt; &lt;output-dir&gt; &lt;plan-file&gt;
 * java tools/demo-data/GenerateDemoData.java ../shared/datasets/crm-sales-opportunities config/demo config/plan.csv
 * </pre>
 *
 * Deterministic: every synthetic value comes from a {@link SplittableRandom} seeded with a stable
 * 64-bit FNV-1a hash of the opportunity id and a purpose tag, so the same input gives byte-identical
 * output. Output: UTF-8 without BOM, LF line endings, RFC 4180 quoting where needed.
 * See README.md next to this file for what is real and what is synthetic.
 */
public class GenerateDemoData {

    /** Every original date moves forward by this many months (2017-12 becomes 2026-11). */
    static final int SHIFT_MONTHS = 107;
    /** The demo's "today": every deal exists on it, no activity happens after the day before. */
    static final LocalDate TODAY = LocalDate.of(2026, 11, 27);
    static final LocalDate LAST_ACTIVITY_DAY = TODAY.minusDays(1);
    static final LocalDateTime ACTIVITY_CAP = LAST_ACTIVITY_DAY.atTime(18, 0);
    /** Prospecting deals are created within this many days before the data's last (shifted) date. */
    static final int PROSPECTING_WINDOW_DAYS = 75;
    static final int WORK_START_MIN = 9 * 60;
    static final int WORK_END_MIN = 18 * 60;

    static final String PIPELINE = "sales";
    static final String CURRENCY = "USD";
    static final String EMAIL_DOMAIN = "demo.planpilot.io";
    static final String SUPPORT_PLAN = "Support plan";
    static final String[] REGIONS = {"Central", "East", "West"};
    static final BigDecimal PLAN_UPLIFT = new BigDecimal("1.10");

    static final DateTimeFormatter DATE_TIME = DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss");

    record Agent(String name, String userId, String manager, String office) {}

    record Activity(String type, String owner, LocalDateTime createdAt, LocalDateTime dueAt,
                    LocalDateTime completedAt) {}

    record HistoryEntry(String stage, int sort, LocalDate enteredAt) {}

    static final class Deal {
        String id, title, stage, amount, owner, region, segment, product, account;
        String sourceStage;
        Agent agent;
        BigDecimal amountValue;
        LocalDate createdAt, closedAt, expectedClose, updatedAt;
        boolean createdSynthetic;
        final List<HistoryEntry> history = new ArrayList<>();
        final List<Activity> activities = new ArrayList<>();
        final List<String[]> lines = new ArrayList<>();
    }

    public static void main(String[] args) throws IOException {
        if (args.length != 3) {
            System.err.println("usage: java tools/demo-data/GenerateDemoData.java <input-dir> <output-dir> <plan-file>");
            System.exit(2);
        }
        Path in = Path.of(args[0]);
        Path out = Path.of(args[1]);
        Path planFile = Path.of(args[2]);

        // ---- read the input tables -------------------------------------------------------------
        List<Map<String, String>> productRows = readCsv(in.resolve("products.csv"));
        List<Map<String, String>> teamRows = readCsv(in.resolve("sales_teams.csv"));
        List<Map<String, String>> accountRows = readCsv(in.resolve("accounts.csv"));
        List<Map<String, String>> pipelineRows = readCsv(in.resolve("sales_pipeline.csv"));

        // products: canonical name -> sales price; lookup by a spacing/case-insensitive key ("GTXPro" -> "GTX Pro")
        Map<String, String> productByKey = new HashMap<>();
        Map<String, BigDecimal> priceByProduct = new HashMap<>();
        for (Map<String, String> p : productRows) {
            String name = p.get("product").trim();
            productByKey.put(productKey(name), name);
            priceByProduct.put(name, new BigDecimal(p.get("sales_price").trim()));
        }

        // users: agents 101.. in sales_teams.csv order, then managers in order of first appearance
        Map<String, Agent> agents = new LinkedHashMap<>();
        Map<String, String> managerOffice = new LinkedHashMap<>();
        int nextId = 101;
        for (Map<String, String> t : teamRows) {
            String name = t.get("sales_agent").trim();
            String manager = t.get("manager").trim();
            String office = t.get("regional_office").trim();
            agents.put(name, new Agent(name, String.valueOf(nextId++), manager, office));
            String prev = managerOffice.putIfAbsent(manager, office);
            if (prev != null && !prev.equals(office)) {
                throw new IllegalStateException("manager " + manager + " has agents in " + prev + " and " + office);
            }
        }
        Map<String, String> managerIds = new LinkedHashMap<>();
        for (String manager : managerOffice.keySet()) {
            managerIds.put(manager, String.valueOf(nextId++));
        }

        Map<String, String> sectorByAccount = new HashMap<>();
        for (Map<String, String> a : accountRows) {
            String sector = a.get("sector").trim();
            if (sector.equals("technolgy")) {
                sector = "technology";
            }
            sectorByAccount.put(a.get("account").trim(), sector);
        }

        // ---- shift dates; the data's last date fixes the prospecting window --------------------
        LocalDate lastDate = null;
        for (Map<String, String> r : pipelineRows) {
            for (String col : new String[] {"engage_date", "close_date"}) {
                String v = r.get(col).trim();
                if (!v.isEmpty()) {
                    LocalDate d = shift(v);
                    if (lastDate == null || d.isAfter(lastDate)) {
                        lastDate = d;
                    }
                }
            }
        }
        LocalDate prospectingFrom = lastDate.minusDays(PROSPECTING_WINDOW_DAYS);
        LocalDate prospectingTo = LAST_ACTIVITY_DAY.isBefore(lastDate) ? LAST_ACTIVITY_DAY : lastDate;

        // agents with at least one opportunity, per office (for the few activities done by a colleague)
        Map<String, List<Agent>> activeAgentsByOffice = new TreeMap<>();
        {
            Map<String, Boolean> hasDeals = new HashMap<>();
            for (Map<String, String> r : pipelineRows) {
                hasDeals.put(r.get("sales_agent").trim(), true);
            }
            for (Agent a : agents.values()) {
                if (hasDeals.containsKey(a.name())) {
                    activeAgentsByOffice.computeIfAbsent(a.office(), k -> new ArrayList<>()).add(a);
                }
            }
        }

        // ---- build the deals ------------------------------------------------------------------
        List<Deal> deals = new ArrayList<>();
        java.util.Set<String> seenIds = new java.util.HashSet<>();
        for (Map<String, String> r : pipelineRows) {
            Deal d = new Deal();
            d.id = r.get("opportunity_id").trim();
            if (!seenIds.add(d.id)) {
                throw new IllegalStateException("duplicate opportunity_id " + d.id);
            }
            d.agent = agents.get(r.get("sales_agent").trim());
            if (d.agent == null) {
                throw new IllegalStateException(d.id + ": unknown sales agent " + r.get("sales_agent"));
            }
            d.owner = d.agent.userId();
            d.region = d.agent.office();
            d.product = productByKey.get(productKey(r.get("product")));
            if (d.product == null) {
                throw new IllegalStateException(d.id + ": unknown product " + r.get("product"));
            }
            d.account = r.get("account").trim();
            if (d.account.isEmpty()) {
                d.segment = "";
            } else {
                d.segment = sectorByAccount.get(d.account);
                if (d.segment == null) {
                    throw new IllegalStateException(d.id + ": unknown account " + d.account);
                }
            }
            d.title = (d.account.isEmpty() ? "New lead" : d.account) + " \u2014 " + d.product;
            d.sourceStage = r.get("deal_stage").trim();
            String engage = r.get("engage_date").trim();
            String close = r.get("close_date").trim();
            BigDecimal price = priceByProduct.get(d.product);
            switch (d.sourceStage) {
                case "Won" -> {
                    d.stage = "won";
                    d.amountValue = new BigDecimal(r.get("close_value").trim());
                    d.closedAt = shift(requireNonEmpty(close, d.id, "close_date"));
                }
                case "Lost" -> {
                    d.stage = "lost";
                    d.amountValue = price;
                    d.closedAt = shift(requireNonEmpty(close, d.id, "close_date"));
                }
                case "Engaging" -> {
                    d.stage = "engaging";
                    d.amountValue = price;
                }
                case "Prospecting" -> {
                    d.stage = "prospecting";
                    d.amountValue = price;
                }
                default -> throw new IllegalStateException(d.id + ": unknown deal_stage " + d.sourceStage);
            }
            d.amount = d.amountValue.toPlainString();
            if (!engage.isEmpty()) {
                d.createdAt = shift(engage);
            } else {
                SplittableRandom rnd = rng(d.id, "created");
                long span = ChronoUnit.DAYS.between(prospectingFrom, prospectingTo);
                d.createdAt = prospectingFrom.plusDays(rnd.nextLong(span + 1));
                d.createdSynthetic = true;
            }
            if (d.closedAt != null && d.closedAt.isBefore(d.createdAt)) {
                throw new IllegalStateException(d.id + ": closed before created");
            }
            if (d.closedAt == null) {
                SplittableRandom slip = rng(d.id, "expected-close");
                d.expectedClose = d.createdAt.plusDays(30 + slip.nextInt(61));
                // a kept-up CRM: most open deals that slipped were re-dated into the coming weeks;
                // about one in seven stays past due, for the data-quality view to find
                if (d.expectedClose.isBefore(TODAY) && slip.nextInt(7) != 0) {
                    d.expectedClose = TODAY.plusDays(1 + slip.nextInt(75));
                }
            }
            buildHistory(d);
            buildActivities(d, activeAgentsByOffice.get(d.region));
            buildLines(d);
            if (d.closedAt != null) {
                d.updatedAt = d.closedAt;
            } else {
                LocalDateTime latest = null;
                for (Activity a : d.activities) {
                    latest = max(latest, a.createdAt());
                    if (a.completedAt() != null) {
                        latest = max(latest, a.completedAt());
                    }
                }
                d.updatedAt = latest == null ? d.createdAt : latest.toLocalDate();
            }
            deals.add(d);
        }

        // ---- write the connector files --------------------------------------------------------
        Files.createDirectories(out);
        CsvOut stages = new CsvOut("pipeline", "pipeline_name", "stage", "name", "sort", "semantic", "probability");
        stages.row(PIPELINE, "Sales", "prospecting", "Prospecting", "10", "OPEN", "0.1");
        stages.row(PIPELINE, "Sales", "engaging", "Engaging", "20", "OPEN", "0.4");
        stages.row(PIPELINE, "Sales", "won", "Won", "30", "WON", "1");
        stages.row(PIPELINE, "Sales", "lost", "Lost", "40", "LOST", "0");

        CsvOut users = new CsvOut("id", "name", "email", "active", "team");
        for (Agent a : agents.values()) {
            users.row(a.userId(), a.name(), email(a.name()), "true", a.office());
        }
        for (Map.Entry<String, String> m : managerIds.entrySet()) {
            users.row(m.getValue(), m.getKey(), email(m.getKey()), "true", managerOffice.get(m.getKey()));
        }

        CsvOut dealsOut = new CsvOut("id", "title", "pipeline", "stage", "amount", "currency", "owner", "created_at",
                "closed_at", "expected_close", "updated_at", "region", "segment", "product", "account");
        CsvOut historyOut = new CsvOut("deal", "stage", "entered_at");
        CsvOut linesOut = new CsvOut("deal", "product", "amount");
        CsvOut activitiesOut = new CsvOut("id", "type", "owner", "deal", "created_at", "due_at", "completed_at");
        for (Deal d : deals) {
            dealsOut.row(d.id, d.title, PIPELINE, d.stage, d.amount, CURRENCY, d.owner, date(d.createdAt),
                    date(d.closedAt), date(d.expectedClose), date(d.updatedAt), d.region, d.segment, d.product,
                    d.account);
            for (HistoryEntry h : d.history) {
                historyOut.row(d.id, h.stage(), date(h.enteredAt()));
            }
            for (String[] line : d.lines) {
                linesOut.row(d.id, line[0], line[1]);
            }
            int n = 1;
            for (Activity a : d.activities) {
                activitiesOut.row("syn-" + d.id + "-" + n++, a.type(), a.owner(), d.id, dateTime(a.createdAt()),
                        dateTime(a.dueAt()), dateTime(a.completedAt()));
            }
        }
        stages.write(out.resolve("stages.csv"));
        users.write(out.resolve("users.csv"));
        dealsOut.write(out.resolve("deals.csv"));
        historyOut.write(out.resolve("stage_history.csv"));
        linesOut.write(out.resolve("deal_lines.csv"));
        activitiesOut.write(out.resolve("activities.csv"));

        // ---- plan -----------------------------------------------------------------------------
        CsvOut plan = buildPlan(deals, agents);
        if (planFile.getParent() != null) {
            Files.createDirectories(planFile.getParent());
        }
        plan.write(planFile);

        // ---- summary --------------------------------------------------------------------------
        BigDecimal wonTotal = BigDecimal.ZERO;
        int won = 0, lost = 0, open = 0;
        for (Deal d : deals) {
            switch (d.stage) {
                case "won" -> { won++; wonTotal = wonTotal.add(d.amountValue); }
                case "lost" -> lost++;
                default -> open++;
            }
        }
        System.out.printf("stages.csv         %6d rows%n", stages.rows());
        System.out.printf("users.csv          %6d rows%n", users.rows());
        System.out.printf("deals.csv          %6d rows (won %d, lost %d, open %d; won amount %s)%n",
                dealsOut.rows(), won, lost, open, wonTotal.toPlainString());
        System.out.printf("stage_history.csv  %6d rows%n", historyOut.rows());
        System.out.printf("deal_lines.csv     %6d rows%n", linesOut.rows());
        System.out.printf("activities.csv     %6d rows%n", activitiesOut.rows());
        System.out.printf("%-18s %6d rows%n", planFile.getFileName(), plan.rows());
    }

    // ==== synthetic parts ==========================================================================

    /** prospecting at created_at; engaging k days later (k deterministic); won/lost at closed_at. */
    static void buildHistory(Deal d) {
        d.history.add(new HistoryEntry("prospecting", 10, d.createdAt));
        if (d.stage.equals("prospecting")) {
            return;
        }
        LocalDate limit = d.closedAt != null ? d.closedAt : LAST_ACTIVITY_DAY;
        long bound = Math.min(7, ChronoUnit.DAYS.between(d.createdAt, limit));
        long k = bound < 1 ? 0 : 1 + rng(d.id, "engaging").nextLong(bound);
        d.history.add(new HistoryEntry("engaging", 20, d.createdAt.plusDays(k)));
        if (d.closedAt != null) {
            d.history.add(new HistoryEntry(d.stage, d.stage.equals("won") ? 30 : 40, d.closedAt));
        }
        d.history.sort(Comparator.comparing(HistoryEntry::enteredAt).thenComparingInt(HistoryEntry::sort));
    }

    /**
     * 2..8 activities per deal on working hours of the days from created_at to the day before closed_at
     * (open deals: to {@link #LAST_ACTIVITY_DAY}); nothing after {@link #ACTIVITY_CAP}.
     */
    static void buildActivities(Deal d, List<Agent> officeAgents) {
        LocalDate first = d.createdAt;
        LocalDate last = LAST_ACTIVITY_DAY;
        if (d.closedAt != null && d.closedAt.minusDays(1).isBefore(last)) {
            last = d.closedAt.minusDays(1);
        }
        if (last.isBefore(first)) {
            return; // the deal is created on "today" or later: no activity yet
        }
        SplittableRandom rnd = rng(d.id, "activities");
        int count = 2 + rnd.nextInt(7);
        long span = ChronoUnit.DAYS.between(first, last);
        List<Activity> list = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            LocalDate day = first.plusDays(rnd.nextLong(span + 1));
            int t = rnd.nextInt(100);
            String type = t < 45 ? "CALL" : t < 70 ? "EMAIL" : t < 82 ? "MEETING" : t < 97 ? "TASK" : "OTHER";
            String owner = d.owner;
            if (rnd.nextInt(100) < 3 && officeAgents != null && officeAgents.size() > 1) {
                Agent other;
                do {
                    other = officeAgents.get(rnd.nextInt(officeAgents.size()));
                } while (other.userId().equals(d.owner));
                owner = other.userId();
            }
            if (type.equals("TASK")) {
                int startMin = WORK_START_MIN + rnd.nextInt(WORK_END_MIN - 30 - WORK_START_MIN + 1);
                LocalDateTime created = day.atStartOfDay().plusMinutes(startMin);
                LocalDateTime due = day.plusDays(1 + rnd.nextInt(5)).atTime(18, 0);
                LocalDateTime completed = null;
                if (rnd.nextInt(100) < 85) {
                    if (rnd.nextInt(100) < 10) { // late: 1..4 days after the due date
                        LocalDate cd = due.toLocalDate().plusDays(1 + rnd.nextInt(4));
                        completed = cd.atStartOfDay().plusMinutes(
                                WORK_START_MIN + rnd.nextInt(WORK_END_MIN - WORK_START_MIN + 1));
                    } else { // on time: between creation and the due time
                        long minutes = ChronoUnit.MINUTES.between(created, due);
                        LocalDateTime c;
                        do { // on working hours, at least 5 minutes after creation
                            c = created.plusMinutes(5 + rnd.nextLong(minutes - 5 + 1));
                        } while (c.toLocalTime().isBefore(LocalTime.of(9, 0)) || c.toLocalTime().isAfter(LocalTime.of(18, 0)));
                        completed = c;
                    }
                    if (completed.isAfter(ACTIVITY_CAP)) {
                        completed = null; // would be done after "today": still pending
                    }
                }
                list.add(new Activity(type, owner, created, due, completed));
            } else {
                int minutes = switch (type) {
                    case "CALL" -> 2 + rnd.nextInt(24);
                    case "EMAIL" -> 1 + rnd.nextInt(10);
                    case "MEETING" -> 30 + rnd.nextInt(61);
                    default -> 5 + rnd.nextInt(26);
                };
                int startMin = WORK_START_MIN + rnd.nextInt(WORK_END_MIN - minutes - WORK_START_MIN + 1);
                LocalDateTime created = day.atStartOfDay().plusMinutes(startMin);
                list.add(new Activity(type, owner, created, null, created.plusMinutes(minutes)));
            }
        }
        list.sort(Comparator.comparing(Activity::createdAt)); // stable: ties keep generation order
        d.activities.addAll(list);
    }

    /** ~5% of won deals: two lines, the deal's product (70%) and a support plan (30%), summing exactly. */
    static void buildLines(Deal d) {
        if (!d.stage.equals("won") || rng(d.id, "lines").nextInt(100) >= 5) {
            return;
        }
        BigDecimal main = d.amountValue.multiply(new BigDecimal("0.70")).setScale(2, RoundingMode.HALF_UP);
        BigDecimal support = d.amountValue.setScale(2, RoundingMode.UNNECESSARY).subtract(main);
        d.lines.add(new String[] {d.product, main.toPlainString()});
        d.lines.add(new String[] {SUPPORT_PLAN, support.toPlainString()});
    }

    /**
     * Department and region rows for every shifted month of 2026 with won deals (original won amount x 1.10,
     * nearest 1,000); 2026-12 copies 2026-11. Rep rows for 2026-11 and 2026-12: the agent's average monthly won
     * amount over the last 6 data months x 1.10, nearest 100.
     */
    static CsvOut buildPlan(List<Deal> deals, Map<String, Agent> agents) {
        Map<YearMonth, BigDecimal> dept = new TreeMap<>();
        Map<YearMonth, Map<String, BigDecimal>> region = new TreeMap<>();
        YearMonth lastDataMonth = null;
        for (Deal d : deals) {
            for (LocalDate x : new LocalDate[] {d.createdAt, d.closedAt}) {
                if (x != null && !d.createdSynthetic) {
                    YearMonth ym = YearMonth.from(x);
                    if (lastDataMonth == null || ym.isAfter(lastDataMonth)) {
                        lastDataMonth = ym;
                    }
                }
            }
            if (!d.stage.equals("won")) {
                continue;
            }
            YearMonth ym = YearMonth.from(d.closedAt);
            dept.merge(ym, d.amountValue, BigDecimal::add);
            region.computeIfAbsent(ym, k -> new TreeMap<>()).merge(d.region, d.amountValue, BigDecimal::add);
        }
        YearMonth from = YearMonth.of(2026, 1);
        YearMonth to = YearMonth.of(2026, 12);
        YearMonth copyFrom = YearMonth.of(2026, 11);

        // reps: average monthly won over the 6 months ending with the last data month
        YearMonth repFrom = lastDataMonth.minusMonths(5);
        Map<String, BigDecimal> repWon = new LinkedHashMap<>();
        java.util.Set<String> withDeals = new java.util.HashSet<>();
        for (Deal d : deals) {
            withDeals.add(d.owner);
        }
        for (Agent a : agents.values()) {
            if (withDeals.contains(a.userId())) {
                repWon.put(a.userId(), BigDecimal.ZERO);
            }
        }
        for (Deal d : deals) {
            if (d.stage.equals("won")) {
                YearMonth ym = YearMonth.from(d.closedAt);
                if (!ym.isBefore(repFrom) && !ym.isAfter(lastDataMonth)) {
                    repWon.merge(d.owner, d.amountValue, BigDecimal::add);
                }
            }
        }

        CsvOut plan = new CsvOut("period", "dimension", "key", "amount");
        for (YearMonth ym = from; !ym.isAfter(to); ym = ym.plusMonths(1)) {
            YearMonth src = dept.containsKey(ym) ? ym : (ym.equals(to) ? copyFrom : null);
            if (src == null || !dept.containsKey(src)) {
                continue;
            }
            plan.row(ym.toString(), "department", "", roundTo(dept.get(src).multiply(PLAN_UPLIFT), 1000));
            for (String r : REGIONS) {
                BigDecimal v = region.get(src).getOrDefault(r, BigDecimal.ZERO);
                plan.row(ym.toString(), "region", r, roundTo(v.multiply(PLAN_UPLIFT), 1000));
            }
            if (ym.equals(copyFrom) || ym.equals(to)) {
                for (Map.Entry<String, BigDecimal> e : repWon.entrySet()) {
                    BigDecimal avg = e.getValue().multiply(PLAN_UPLIFT).divide(BigDecimal.valueOf(6), 10, RoundingMode.HALF_UP);
                    plan.row(ym.toString(), "rep", e.getKey(), roundTo(avg, 100));
                }
            }
        }
        return plan;
    }

    // ==== helpers ==================================================================================

    static String roundTo(BigDecimal v, int unit) {
        BigDecimal u = BigDecimal.valueOf(unit);
        return v.divide(u, 10, RoundingMode.HALF_UP).setScale(0, RoundingMode.HALF_UP).multiply(u).toPlainString();
    }

    static LocalDate shift(String isoDate) {
        return LocalDate.parse(isoDate.trim()).plusMonths(SHIFT_MONTHS);
    }

    static String requireNonEmpty(String v, String id, String col) {
        if (v.isEmpty()) {
            throw new IllegalStateException(id + ": empty " + col);
        }
        return v;
    }

    static String productKey(String name) {
        return name.replaceAll("\\s+", "").toLowerCase(java.util.Locale.ROOT);
    }

    /** first.last@domain: lower case ASCII letters, the dot between the name parts, hyphens kept. */
    static String email(String name) {
        String local = String.join(".", name.trim().toLowerCase(java.util.Locale.ROOT).split("\\s+"))
                .replaceAll("[^a-z.\\-]", "");
        return local + "@" + EMAIL_DOMAIN;
    }

    static LocalDateTime max(LocalDateTime a, LocalDateTime b) {
        return a == null || b.isAfter(a) ? b : a;
    }

    static String date(LocalDate d) {
        return d == null ? "" : d.toString();
    }

    static String dateTime(LocalDateTime t) {
        return t == null ? "" : t.format(DATE_TIME);
    }

    /** A stream of pseudo-random values that depends only on the deal id and the purpose. */
    static SplittableRandom rng(String id, String purpose) {
        long h = 0xcbf29ce484222325L; // FNV-1a 64
        for (byte b : (id + "#" + purpose).getBytes(StandardCharsets.UTF_8)) {
            h ^= (b & 0xff);
            h *= 0x100000001b3L;
        }
        return new SplittableRandom(h);
    }

    // ==== CSV ======================================================================================

    /** Reads a CSV file (UTF-8, optional BOM, CRLF or LF, RFC 4180 quotes) into header-keyed rows. */
    static List<Map<String, String>> readCsv(Path file) throws IOException {
        String text;
        try {
            text = StandardCharsets.UTF_8.newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(java.nio.ByteBuffer.wrap(Files.readAllBytes(file))).toString();
        } catch (CharacterCodingException e) {
            throw new IOException(file + ": not UTF-8", e);
        }
        if (text.startsWith("\uFEFF")) {
            text = text.substring(1);
        }
        List<List<String>> records = parseCsv(text, file);
        if (records.isEmpty()) {
            throw new IOException(file + ": no header");
        }
        List<String> header = records.get(0);
        List<Map<String, String>> rows = new ArrayList<>();
        for (int i = 1; i < records.size(); i++) {
            List<String> rec = records.get(i);
            if (rec.size() == 1 && rec.get(0).isEmpty()) {
                continue; // blank line
            }
            if (rec.size() != header.size()) {
                throw new IOException(file + ": record " + (i + 1) + " has " + rec.size() + " fields, header has "
                        + header.size());
            }
            Map<String, String> row = new LinkedHashMap<>();
            for (int c = 0; c < header.size(); c++) {
                row.put(header.get(c).trim(), rec.get(c));
            }
            rows.add(row);
        }
        return rows;
    }

    static List<List<String>> parseCsv(String text, Path file) throws IOException {
        List<List<String>> records = new ArrayList<>();
        List<String> rec = new ArrayList<>();
        StringBuilder field = new StringBuilder();
        boolean quoted = false, wasQuoted = false;
        int i = 0, n = text.length();
        while (i < n) {
            char c = text.charAt(i);
            if (quoted) {
                if (c == '"') {
                    if (i + 1 < n && text.charAt(i + 1) == '"') {
                        field.append('"');
                        i += 2;
                        continue;
                    }
                    quoted = false;
                } else {
                    field.append(c);
                }
                i++;
                continue;
            }
            if (c == '"' && field.length() == 0 && !wasQuoted) {
                quoted = true;
                wasQuoted = true;
                i++;
            } else if (c == ',') {
                rec.add(field.toString());
                field.setLength(0);
                wasQuoted = false;
                i++;
            } else if (c == '\r' || c == '\n') {
                rec.add(field.toString());
                field.setLength(0);
                wasQuoted = false;
                records.add(rec);
                rec = new ArrayList<>();
                i += (c == '\r' && i + 1 < n && text.charAt(i + 1) == '\n') ? 2 : 1;
            } else {
                if (wasQuoted) {
                    throw new IOException(file + ": text after a closing quote in record " + (records.size() + 1));
                }
                field.append(c);
                i++;
            }
        }
        if (quoted) {
            throw new IOException(file + ": unterminated quoted field");
        }
        if (field.length() > 0 || !rec.isEmpty() || wasQuoted) {
            rec.add(field.toString());
            records.add(rec);
        }
        return records;
    }

    /** Collects CSV rows and writes them as UTF-8 (no BOM), LF line endings, RFC 4180 quoting. */
    static final class CsvOut {
        private final StringBuilder sb = new StringBuilder();
        private final int columns;
        private int rows;

        CsvOut(String... header) {
            columns = header.length;
            append(header);
        }

        void row(String... values) {
            if (values.length != columns) {
                throw new IllegalArgumentException("expected " + columns + " values, got " + values.length);
            }
            append(values);
            rows++;
        }

        int rows() {
            return rows;
        }

        private void append(String[] values) {
            for (int i = 0; i < values.length; i++) {
                if (i > 0) {
                    sb.append(',');
                }
                String v = values[i] == null ? "" : values[i];
                if (v.indexOf(',') >= 0 || v.indexOf('"') >= 0 || v.indexOf('\r') >= 0 || v.indexOf('\n') >= 0) {
                    sb.append('"').append(v.replace("\"", "\"\"")).append('"');
                } else {
                    sb.append(v);
                }
            }
            sb.append('\n');
        }

        void write(Path file) {
            try {
                Files.write(file, sb.toString().getBytes(StandardCharsets.UTF_8));
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
    }
}
