package io.planpilot.app;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.concurrent.atomic.AtomicLong;

/** A small CRM export in the CSV connector's format, written by tests that change it as they go. */
public final class SmallExport {

    public static final String STAGES = """
            pipeline,pipeline_name,stage,name,sort,semantic,probability
            main,Main,new,New,10,OPEN,0.2
            main,Main,talks,Talks,20,OPEN,0.5
            main,Main,won,Won,30,WON,1
            main,Main,lost,Lost,40,LOST,0
            """;
    public static final String USERS = """
            id,name,email,active,team
            u1,Anna Petrova,anna@example.com,true,North
            u2,Boris Ivanov,boris@example.com,true,South
            """;
    public static final String DEALS = """
            id,title,pipeline,stage,amount,currency,owner,created_at,closed_at,expected_close,updated_at,region,segment,product
            d1,Alpha,main,won,1000,USD,u1,2026-10-01,2026-10-20T10:00:00Z,,2026-10-20T10:00:00Z,North,SMB,Widget
            d2,Beta,main,lost,500,EUR,u2,2026-10-02,2026-10-25,,,South,Enterprise,Gadget
            d3,Gamma,main,talks,,usd,u1,2026-10-03T09:30:00,,2026-12-01,,North,SMB,
            d4,Delta,main,new,250.50,USD,,2026-10-04,,,,,,Widget
            """;
    public static final String ACTIVITIES = """
            id,type,owner,deal,created_at,due_at,completed_at
            a1,CALL,u1,d1,2026-10-05T10:00:00Z,,2026-10-05T10:15:00Z
            a2,TASK,u2,d2,2026-10-06T10:00:00Z,2026-10-07T18:00:00Z,
            a3,MEETING,u1,,2026-10-08T12:00:00Z,,2026-10-08T13:00:00Z
            """;

    /** Each write gets a later modification time, even within one file-system clock tick. */
    private static final AtomicLong MODIFIED = new AtomicLong(System.currentTimeMillis());

    private final Path folder;

    private SmallExport(Path folder) {
        this.folder = folder;
    }

    public static SmallExport createIn(Path folder) {
        SmallExport export = new SmallExport(folder);
        try {
            Files.createDirectories(folder);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        export.write("stages.csv", STAGES).write("users.csv", USERS).write("deals.csv", DEALS)
                .write("activities.csv", ACTIVITIES);
        return export;
    }

    public Path folder() {
        return folder;
    }

    public SmallExport write(String file, String content) {
        return write(file, content, StandardCharsets.UTF_8);
    }

    public SmallExport write(String file, String content, Charset charset) {
        try {
            Path path = folder.resolve(file);
            Files.writeString(path, content, charset);
            // the connector notices changes by size and modification time: make every write visible
            Files.setLastModifiedTime(path, FileTime.fromMillis(MODIFIED.addAndGet(2_000)));
            return this;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public SmallExport delete(String file) {
        try {
            Files.deleteIfExists(folder.resolve(file));
            return this;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
