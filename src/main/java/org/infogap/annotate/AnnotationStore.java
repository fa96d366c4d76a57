package org.infogap.annotate;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.infogap.data.CmiLevel;
import org.infogap.data.ImageTextPair;
import org.infogap.data.ScLevel;
import org.infogap.data.Source;
import org.infogap.data.Split;
import org.infogap.io.Hashes;
import org.infogap.io.Json;
import org.sqlite.SQLiteConfig;

/**
 * The labelled pairs, in one SQLite file. SQLite because the store is a single file that needs no
 * server, its transactions survive a crash or kill mid-import (journal), several processes may import
 * at once (file locks, waited on), and anyone can inspect it with the {@code sqlite3} tool.
 *
 * <p>Schema (see {@link #SCHEMA}): {@code pairs} (the image, text and image caption each label is about),
 * {@code imports} (one row per imported file, keyed by its SHA-256), {@code annotations} (one row per
 * label: pair, annotator, CMI, SC as the paper's values, image type, snippets, validity, import, line).
 * Every import is one transaction; a file seen before (same bytes) changes nothing; a label already
 * stored (same pair, annotator, labels, type, snippets, validity) is counted unchanged.
 */
public final class AnnotationStore {

    static final int SCHEMA_VERSION = 3;
    /** Schema 1 stores lacked the pairs' captions; opening one adds the column (empty: the pairs' next import fills it). */
    private static final String FROM_SCHEMA_1 = "ALTER TABLE pairs ADD COLUMN caption TEXT NOT NULL DEFAULT ''";
    /**
     * Schema 2 stores lacked the labelling page's columns: the order in which labels count ({@code seq}; NULL
     * there, so a stored label keeps its import order) and withdrawal by undo.
     */
    private static final java.util.Map<String, String> FROM_SCHEMA_2 = java.util.Map.of(
            "seq", "ALTER TABLE annotations ADD COLUMN seq INTEGER",
            "withdrawn", "ALTER TABLE annotations ADD COLUMN withdrawn INTEGER NOT NULL DEFAULT 0");
    /** The order in which labels count: a label given again later counts as the latest. */
    private static final String ORDER = "COALESCE(a.seq, a.annotation_id)";
    /** The {@code imports.format} of the labels given in the labelling page, one import row per annotator. */
    public static final String PAGE_FORMAT = "PAGE";

    static final String SCHEMA = """
            CREATE TABLE IF NOT EXISTS pairs (
              pair_key   TEXT PRIMARY KEY,            -- source:id, e.g. bbc:bbc02000
              source     TEXT NOT NULL,               -- coco | bbc | wiki
              pair_id    TEXT NOT NULL,
              split      TEXT NOT NULL,               -- the corpus part the pair came from
              image_path TEXT NOT NULL,               -- absolute
              text_json  TEXT NOT NULL,               -- JSON array of sentences
              text_from  TEXT NOT NULL CHECK (text_from IN ('corpus', 'annotation')),
              caption    TEXT NOT NULL DEFAULT ''     -- the image's own caption (BBC), '' when it has none
            );
            CREATE TABLE IF NOT EXISTS imports (
              import_id   INTEGER PRIMARY KEY,
              file        TEXT NOT NULL,
              sha256      TEXT NOT NULL UNIQUE,
              format      TEXT NOT NULL,
              cmi_scale   TEXT NOT NULL,
              sc_scale    TEXT NOT NULL,
              imported_at TEXT NOT NULL,              -- ISO-8601 UTC
              imported    INTEGER NOT NULL,
              unchanged   INTEGER NOT NULL,
              skipped     INTEGER NOT NULL,           -- legacy CMI codes 1, 6, 7
              rejected    INTEGER NOT NULL,
              rejections_json TEXT NOT NULL
            );
            CREATE TABLE IF NOT EXISTS annotations (
              annotation_id INTEGER PRIMARY KEY,
              pair_key      TEXT NOT NULL REFERENCES pairs (pair_key),
              annotator     TEXT NOT NULL,            -- '' where the file does not say
              cmi           REAL NOT NULL CHECK (cmi IN (0, 0.25, 0.5, 0.75, 1)),
              sc            REAL NOT NULL CHECK (sc IN (-1, -0.5, 0, 0.5, 1)),
              image_type    TEXT NOT NULL,
              snippets_json TEXT NOT NULL,
              valid         INTEGER NOT NULL CHECK (valid IN (0, 1)),
              import_id     INTEGER NOT NULL REFERENCES imports (import_id),
              line          INTEGER NOT NULL,
              seq           INTEGER,                  -- order in which labels count, the latest last (NULL: annotation_id)
              withdrawn     INTEGER NOT NULL DEFAULT 0 CHECK (withdrawn IN (0, 1)), -- undone in the labelling page
              UNIQUE (pair_key, annotator, cmi, sc, image_type, snippets_json, valid)
            );
            CREATE INDEX IF NOT EXISTS annotations_pair ON annotations (pair_key);
            CREATE INDEX IF NOT EXISTS annotations_annotator ON annotations (annotator);
            CREATE TABLE IF NOT EXISTS page_actions (  -- the labelling page's labels, in order, so that undo restores
              action_id          INTEGER PRIMARY KEY,
              annotator          TEXT NOT NULL,
              annotation_id      INTEGER NOT NULL REFERENCES annotations (annotation_id),
              previous_seq       INTEGER,             -- the label's seq before this action
              previous_withdrawn INTEGER NOT NULL,    -- 1 when the action created the label
              labelled_at        TEXT NOT NULL,
              undone_at          TEXT
            );
            CREATE INDEX IF NOT EXISTS page_actions_annotator ON page_actions (annotator, undone_at);
            """;

    /** What one import did. {@code previous} is set when the same bytes were imported before. */
    public record ImportReport(Path file, String sha256, ImportInfo previous, int imported, int unchanged,
                               int skipped, List<AnnotationFileReader.Rejection> rejected) {
        public boolean alreadyImported() {
            return previous != null;
        }

        @Override
        public String toString() {
            if (previous != null) {
                return file + ": unchanged, the same file was imported as import #" + previous.id() + " at "
                        + previous.importedAt() + " (" + previous.imported() + " labels)";
            }
            return file + ": imported " + imported + ", unchanged " + unchanged + ", skipped " + skipped
                    + " (legacy CMI codes), rejected " + rejected.size();
        }
    }

    /** A row of {@code imports}. */
    public record ImportInfo(long id, String file, String sha256, String importedAt, int imported) {
    }

    /** A stored label with its pair. */
    public record Label(ImageTextPair pair, String annotator, CmiLevel cmi, ScLevel sc, String imageType,
                        List<String> snippets, boolean valid, long annotationId) {
    }

    /** Called after each row written; tests use it to fail an import half-way. */
    @FunctionalInterface
    interface RowHook {
        void afterRow(int rowsWritten) throws SQLException;
    }

    private final Path file;
    private RowHook hook = n -> { };

    private AnnotationStore(Path file) {
        this.file = file;
    }

    /** Opens (creating if needed) the store file. */
    public static AnnotationStore open(Path file) throws IOException {
        Path parent = file.toAbsolutePath().getParent();
        Files.createDirectories(parent);
        AnnotationStore store = new AnnotationStore(file.toAbsolutePath());
        try (Connection c = store.connect(); Statement s = c.createStatement()) {
            int version;
            try (ResultSet rs = s.executeQuery("PRAGMA user_version")) {
                version = rs.getInt(1);
                if (version > SCHEMA_VERSION) {
                    throw new IOException(file + ": annotation store schema " + version
                            + " is newer than this program's " + SCHEMA_VERSION);
                }
            }
            s.execute("PRAGMA journal_mode = WAL");
            c.setAutoCommit(false);
            if (version == 1) {
                s.execute(FROM_SCHEMA_1);
            }
            if (version == 1 || version == 2) {
                java.util.Set<String> columns = new java.util.HashSet<>();
                try (ResultSet rs = s.executeQuery("PRAGMA table_info(annotations)")) {
                    while (rs.next()) {
                        columns.add(rs.getString("name"));
                    }
                }
                for (var alter : FROM_SCHEMA_2.entrySet()) {
                    if (!columns.contains(alter.getKey())) {
                        s.execute(alter.getValue());
                    }
                }
            }
            for (String statement : SCHEMA.split(";")) {
                if (!statement.isBlank()) {
                    s.execute(statement);
                }
            }
            s.execute("PRAGMA user_version = " + SCHEMA_VERSION);
            c.commit();
        } catch (SQLException e) {
            throw new IOException(file + ": cannot open the annotation store: " + e.getMessage(), e);
        }
        return store;
    }

    public Path file() {
        return file;
    }

    void setHook(RowHook hook) {
        this.hook = hook;
    }

    private Connection connect() throws SQLException {
        SQLiteConfig config = new SQLiteConfig();
        // Take the write lock when a transaction begins: a deferred one could fail to upgrade its lock
        // under a concurrent import; and wait for another import's transaction rather than fail.
        config.setTransactionMode(SQLiteConfig.TransactionMode.IMMEDIATE);
        config.setBusyTimeout(60_000);
        config.enforceForeignKeys(true);
        config.setSynchronous(SQLiteConfig.SynchronousMode.FULL);
        return DriverManager.getConnection("jdbc:sqlite:" + file, config.toProperties());
    }

    /**
     * Imports the labels of one file, all or none. With {@code allOrNothing}, a file with any rejected
     * line imports nothing (the report still lists every rejection).
     */
    public ImportReport importFile(Path source, byte[] content, AnnotationFileReader reader, AnnotationFormat format,
                                   PairIndex index, boolean allOrNothing) throws IOException {
        String sha = Hashes.sha256(content);
        Optional<ImportInfo> previous = findImport(sha);
        if (previous.isPresent()) {
            return new ImportReport(source, sha, previous.get(), 0, 0, 0, List.of());
        }
        AnnotationFileReader.Result result = reader.read(source, content, format);
        List<AnnotationFileReader.Rejection> rejected = new ArrayList<>(result.rejected());
        List<AnnotationRecord> matched = new ArrayList<>();
        List<PairIndex.Match> matches = new ArrayList<>();
        for (AnnotationRecord r : result.records()) {
            PairIndex.Match m = index.match(r, source);
            if (m.found()) {
                matched.add(r);
                matches.add(m);
            } else {
                rejected.add(new AnnotationFileReader.Rejection(r.line(), null, m.problem()));
            }
        }
        rejected.sort(java.util.Comparator.comparingInt(AnnotationFileReader.Rejection::line));
        if (allOrNothing && !rejected.isEmpty()) {
            return new ImportReport(source, sha, null, 0, 0, result.droppedLegacyCodes(), rejected);
        }
        try (Connection c = connect()) {
            c.setAutoCommit(false);
            try {
                if (findImport(c, sha).isPresent()) { // another process imported the same bytes meanwhile
                    c.rollback();
                    return new ImportReport(source, sha, findImport(sha).orElseThrow(), 0, 0, 0, List.of());
                }
                long importId;
                try (PreparedStatement ps = c.prepareStatement("INSERT INTO imports (file, sha256, format, cmi_scale, "
                        + "sc_scale, imported_at, imported, unchanged, skipped, rejected, rejections_json) "
                        + "VALUES (?, ?, ?, ?, ?, ?, 0, 0, ?, ?, ?)", Statement.RETURN_GENERATED_KEYS)) {
                    ps.setString(1, source.toString());
                    ps.setString(2, sha);
                    ps.setString(3, result.format().name());
                    ps.setString(4, result.cmiScale().name());
                    ps.setString(5, result.scScale().name());
                    ps.setString(6, Instant.now().toString());
                    ps.setInt(7, result.droppedLegacyCodes());
                    ps.setInt(8, rejected.size());
                    ps.setString(9, json(rejected.stream().map(Object::toString).toList()));
                    ps.executeUpdate();
                    try (ResultSet keys = ps.getGeneratedKeys()) {
                        keys.next();
                        importId = keys.getLong(1);
                    }
                }
                int imported = 0;
                int unchanged = 0;
                try (PreparedStatement labelInsert = c.prepareStatement("INSERT OR IGNORE INTO annotations (pair_key, "
                             + "annotator, cmi, sc, image_type, snippets_json, valid, import_id, line, seq) "
                             + "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)")) {
                    long seq = nextSeq(c);
                    for (int i = 0; i < matched.size(); i++) {
                        AnnotationRecord r = matched.get(i);
                        PairIndex.Match m = matches.get(i);
                        ImageTextPair p = m.pair();
                        String conflict = storePair(c, p, m.textFromAnnotation());
                        if (conflict != null) {
                            c.rollback();
                            throw new IOException(source + " line " + r.line() + ": pair " + p.key() + " is stored with "
                                    + conflict + " than it has now; the corpus changed since its labels were imported, "
                                    + "and mixing old and new labels would be wrong. Nothing of " + source
                                    + " was imported. Import into a new store (--store), or move " + file + " away.");
                        }
                        labelInsert.setString(1, p.key());
                        labelInsert.setString(2, r.annotator());
                        labelInsert.setDouble(3, r.cmi().value());
                        labelInsert.setDouble(4, r.sc().value());
                        labelInsert.setString(5, r.imageType());
                        labelInsert.setString(6, json(r.snippets()));
                        labelInsert.setInt(7, r.valid() ? 1 : 0);
                        labelInsert.setLong(8, importId);
                        labelInsert.setInt(9, r.line());
                        labelInsert.setLong(10, seq);
                        if (labelInsert.executeUpdate() == 1) {
                            seq++;
                            imported++;
                        } else {
                            unchanged++;
                        }
                        hook.afterRow(i + 1);
                    }
                }
                try (PreparedStatement ps = c.prepareStatement(
                        "UPDATE imports SET imported = ?, unchanged = ? WHERE import_id = ?")) {
                    ps.setInt(1, imported);
                    ps.setInt(2, unchanged);
                    ps.setLong(3, importId);
                    ps.executeUpdate();
                }
                c.commit();
                return new ImportReport(source, sha, null, imported, unchanged, result.droppedLegacyCodes(), rejected);
            } catch (SQLException | RuntimeException e) {
                c.rollback();
                throw e;
            }
        } catch (SQLException e) {
            throw new IOException(file + ": import of " + source + " failed, nothing of it was stored: "
                    + e.getMessage(), e);
        }
    }

    /**
     * Stores {@code p} unless it is there; returns what differs from the stored pair (the import must then be
     * rolled back), or null.
     */
    private static String storePair(Connection c, ImageTextPair p, boolean textFromAnnotation) throws SQLException {
        String imagePath = p.imagePath().toAbsolutePath().normalize().toString();
        String text = json(p.sentences());
        String conflict = storedPairConflict(c, p.key(), imagePath, text, textFromAnnotation);
        if (conflict != null) {
            return conflict;
        }
        try (PreparedStatement pairInsert = c.prepareStatement("INSERT OR IGNORE INTO pairs (pair_key, source, "
                + "pair_id, split, image_path, text_json, text_from, caption) VALUES (?, ?, ?, ?, ?, ?, ?, ?)");
             // a pair stored by a schema 1 store has no caption yet
             PreparedStatement captionUpdate = c.prepareStatement(
                     "UPDATE pairs SET caption = ? WHERE pair_key = ? AND caption = ''")) {
            pairInsert.setString(1, p.key());
            pairInsert.setString(2, p.source().name().toLowerCase(java.util.Locale.ROOT));
            pairInsert.setString(3, p.id());
            pairInsert.setString(4, p.split().label());
            pairInsert.setString(5, imagePath);
            pairInsert.setString(6, text);
            pairInsert.setString(7, textFromAnnotation ? "annotation" : "corpus");
            pairInsert.setString(8, p.caption());
            if (pairInsert.executeUpdate() == 0 && !p.caption().isBlank()) {
                captionUpdate.setString(1, p.caption());
                captionUpdate.setString(2, p.key());
                captionUpdate.executeUpdate();
            }
        }
        return null;
    }

    /** The next label's place in the order labels count in. */
    private static long nextSeq(Connection c) throws SQLException {
        try (Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("SELECT COALESCE(MAX(" + ORDER + "), 0) + 1 FROM annotations a")) {
            return rs.getLong(1);
        }
    }

    /** What differs between the stored pair and the one being imported (text or image), or null when nothing or it is new. */
    private static String storedPairConflict(Connection c, String key, String imagePath, String textJson,
                                             boolean textFromAnnotation) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(
                "SELECT text_json, image_path, text_from FROM pairs WHERE pair_key = ?")) {
            ps.setString(1, key);
            try (ResultSet rs = ps.executeQuery()) {
                if (!rs.next()) {
                    return null;
                }
                if (!rs.getString(2).equals(imagePath)) {
                    return "another image (" + rs.getString(2) + ")";
                }
                // a text carried by an annotation file may differ from the corpus's own; only corpus texts must agree
                boolean corpusText = "corpus".equals(rs.getString(3)) && !textFromAnnotation;
                return corpusText && !rs.getString(1).equals(textJson) ? "another text" : null;
            }
        }
    }

    /** Imports a file from disk. */
    public ImportReport importFile(Path source, AnnotationFileReader reader, AnnotationFormat format, PairIndex index,
                                   boolean allOrNothing) throws IOException {
        return importFile(source, Files.readAllBytes(source), reader, format, index, allOrNothing);
    }

    public Optional<ImportInfo> findImport(String sha) throws IOException {
        try (Connection c = connect()) {
            return findImport(c, sha);
        } catch (SQLException e) {
            throw new IOException(file + ": " + e.getMessage(), e);
        }
    }

    private static Optional<ImportInfo> findImport(Connection c, String sha) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(
                "SELECT import_id, file, sha256, imported_at, imported FROM imports WHERE sha256 = ?")) {
            ps.setString(1, sha);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() ? Optional.of(new ImportInfo(rs.getLong(1), rs.getString(2), rs.getString(3),
                        rs.getString(4), rs.getInt(5))) : Optional.empty();
            }
        }
    }

    public List<ImportInfo> imports() throws IOException {
        List<ImportInfo> out = new ArrayList<>();
        try (Connection c = connect(); Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("SELECT import_id, file, sha256, imported_at, imported FROM imports "
                     + "ORDER BY import_id")) {
            while (rs.next()) {
                out.add(new ImportInfo(rs.getLong(1), rs.getString(2), rs.getString(3), rs.getString(4), rs.getInt(5)));
            }
        } catch (SQLException e) {
            throw new IOException(file + ": " + e.getMessage(), e);
        }
        return out;
    }

    /** Every stored label with its pair (not those undone in the page), in the order they count: the latest last. */
    public List<Label> labels() throws IOException {
        List<Label> out = new ArrayList<>();
        String sql = "SELECT p.pair_key, p.source, p.pair_id, p.split, p.image_path, p.text_json, a.annotator, a.cmi, "
                + "a.sc, a.image_type, a.snippets_json, a.valid, a.annotation_id, p.caption FROM annotations a "
                + "JOIN pairs p ON p.pair_key = a.pair_key WHERE a.withdrawn = 0 ORDER BY " + ORDER;
        try (Connection c = connect(); Statement s = c.createStatement(); ResultSet rs = s.executeQuery(sql)) {
            while (rs.next()) {
                ImageTextPair pair = new ImageTextPair(Source.valueOf(rs.getString(2).toUpperCase(java.util.Locale.ROOT)),
                        rs.getString(3), Path.of(rs.getString(5)), strings(rs.getString(6)), rs.getString(14),
                        Split.parse(rs.getString(4)));
                out.add(new Label(pair, rs.getString(7), CmiLevel.ofValue(rs.getDouble(8)),
                        ScLevel.ofValue(rs.getDouble(9)), rs.getString(10), strings(rs.getString(11)),
                        rs.getInt(12) == 1, rs.getLong(13)));
            }
        } catch (SQLException e) {
            throw new IOException(file + ": " + e.getMessage(), e);
        }
        return out;
    }


    /** A label as the labelling page shows it: an annotator's latest for a pair. */
    public record PageLabel(String pairKey, CmiLevel cmi, ScLevel sc, String imageType, List<String> snippets) {
        public PageLabel {
            snippets = List.copyOf(snippets);
        }
    }

    /**
     * Stores one label given in the labelling page by {@code annotator}, with its pair as the corpus has it, in
     * one transaction; it becomes the annotator's latest for the pair. The store keeps each distinct label once:
     * giving one stored before makes that one the latest again. The labels count like imported ones (stats,
     * agreement, export); the page's labels of an annotator share one row of {@code imports} (format PAGE).
     */
    public void label(ImageTextPair pair, String annotator, CmiLevel cmi, ScLevel sc, String imageType,
                      List<String> snippets) throws IOException {
        if (annotator == null || annotator.isBlank()) {
            throw new IllegalArgumentException("a label from the page needs its annotator's name");
        }
        String now = Instant.now().toString();
        String snippetsJson = json(snippets);
        try (Connection c = connect()) {
            c.setAutoCommit(false);
            try {
                String conflict = storePair(c, pair, false);
                if (conflict != null) {
                    throw new IOException(file + ": pair " + pair.key() + " is stored with " + conflict
                            + " than the corpus has now; the label was not stored. Label into a new store (--store).");
                }
                long importId = pageImport(c, annotator, now);
                long seq = nextSeq(c);
                Long existing = null;
                Long previousSeq = null;
                int previousWithdrawn = 1;
                try (PreparedStatement ps = c.prepareStatement("SELECT annotation_id, seq, withdrawn FROM annotations "
                        + "WHERE pair_key = ? AND annotator = ? AND cmi = ? AND sc = ? AND image_type = ? "
                        + "AND snippets_json = ? AND valid = 1")) {
                    ps.setString(1, pair.key());
                    ps.setString(2, annotator);
                    ps.setDouble(3, cmi.value());
                    ps.setDouble(4, sc.value());
                    ps.setString(5, imageType);
                    ps.setString(6, snippetsJson);
                    try (ResultSet rs = ps.executeQuery()) {
                        if (rs.next()) {
                            existing = rs.getLong(1);
                            previousSeq = rs.getObject(2) == null ? null : rs.getLong(2);
                            previousWithdrawn = rs.getInt(3);
                        }
                    }
                }
                long annotationId;
                if (existing != null) {
                    annotationId = existing;
                    try (PreparedStatement ps = c.prepareStatement(
                            "UPDATE annotations SET seq = ?, withdrawn = 0 WHERE annotation_id = ?")) {
                        ps.setLong(1, seq);
                        ps.setLong(2, annotationId);
                        ps.executeUpdate();
                    }
                } else {
                    try (PreparedStatement ps = c.prepareStatement("INSERT INTO annotations (pair_key, annotator, cmi, "
                            + "sc, image_type, snippets_json, valid, import_id, line, seq) VALUES (?, ?, ?, ?, ?, ?, 1, ?, "
                            + "(SELECT COUNT(*) + 1 FROM page_actions WHERE annotator = ?), ?)",
                            Statement.RETURN_GENERATED_KEYS)) {
                        ps.setString(1, pair.key());
                        ps.setString(2, annotator);
                        ps.setDouble(3, cmi.value());
                        ps.setDouble(4, sc.value());
                        ps.setString(5, imageType);
                        ps.setString(6, snippetsJson);
                        ps.setLong(7, importId);
                        ps.setString(8, annotator);
                        ps.setLong(9, seq);
                        ps.executeUpdate();
                        try (ResultSet keys = ps.getGeneratedKeys()) {
                            keys.next();
                            annotationId = keys.getLong(1);
                        }
                    }
                    try (PreparedStatement ps = c.prepareStatement(
                            "UPDATE imports SET imported = imported + 1, imported_at = ? WHERE import_id = ?")) {
                        ps.setString(1, now);
                        ps.setLong(2, importId);
                        ps.executeUpdate();
                    }
                }
                try (PreparedStatement ps = c.prepareStatement("INSERT INTO page_actions (annotator, annotation_id, "
                        + "previous_seq, previous_withdrawn, labelled_at) VALUES (?, ?, ?, ?, ?)")) {
                    ps.setString(1, annotator);
                    ps.setLong(2, annotationId);
                    ps.setObject(3, previousSeq);
                    ps.setInt(4, previousWithdrawn);
                    ps.setString(5, now);
                    ps.executeUpdate();
                }
                c.commit();
            } catch (SQLException | IOException | RuntimeException e) {
                c.rollback();
                throw e;
            }
        } catch (SQLException e) {
            throw new IOException(file + ": the label of " + pair.key() + " by " + annotator + " was not stored: "
                    + e.getMessage(), e);
        }
    }

    /** The {@code imports} row that holds {@code annotator}'s page labels, made on their first label. */
    private static long pageImport(Connection c, String annotator, String now) throws SQLException {
        String key = "page:" + annotator;
        try (PreparedStatement ps = c.prepareStatement("SELECT import_id FROM imports WHERE sha256 = ?")) {
            ps.setString(1, key);
            try (ResultSet rs = ps.executeQuery()) {
                if (rs.next()) {
                    return rs.getLong(1);
                }
            }
        }
        try (PreparedStatement ps = c.prepareStatement("INSERT INTO imports (file, sha256, format, cmi_scale, sc_scale, "
                + "imported_at, imported, unchanged, skipped, rejected, rejections_json) "
                + "VALUES (?, ?, ?, ?, ?, ?, 0, 0, 0, 0, '[]')", Statement.RETURN_GENERATED_KEYS)) {
            ps.setString(1, "labelling page, " + annotator);
            ps.setString(2, key);
            ps.setString(3, PAGE_FORMAT);
            ps.setString(4, CmiScale.FRACTIONS.name());
            ps.setString(5, ScScale.FRACTIONS.name());
            ps.setString(6, now);
            ps.executeUpdate();
            try (ResultSet keys = ps.getGeneratedKeys()) {
                keys.next();
                return keys.getLong(1);
            }
        }
    }

    /**
     * Undoes {@code annotator}'s last label from the page that is not undone yet: the label given before it (if
     * any) counts again. Nothing is deleted: the undone label stays, withdrawn. Returns the pair's key, or empty
     * when there is nothing to undo.
     */
    public Optional<String> undoLast(String annotator) throws IOException {
        try (Connection c = connect()) {
            c.setAutoCommit(false);
            try {
                long actionId;
                long annotationId;
                Long previousSeq;
                int previousWithdrawn;
                String pairKey;
                try (PreparedStatement ps = c.prepareStatement("SELECT p.action_id, p.annotation_id, p.previous_seq, "
                        + "p.previous_withdrawn, a.pair_key FROM page_actions p JOIN annotations a "
                        + "ON a.annotation_id = p.annotation_id WHERE p.annotator = ? AND p.undone_at IS NULL "
                        + "ORDER BY p.action_id DESC LIMIT 1")) {
                    ps.setString(1, annotator);
                    try (ResultSet rs = ps.executeQuery()) {
                        if (!rs.next()) {
                            c.rollback();
                            return Optional.empty();
                        }
                        actionId = rs.getLong(1);
                        annotationId = rs.getLong(2);
                        previousSeq = rs.getObject(3) == null ? null : rs.getLong(3);
                        previousWithdrawn = rs.getInt(4);
                        pairKey = rs.getString(5);
                    }
                }
                try (PreparedStatement ps = c.prepareStatement(
                        "UPDATE annotations SET seq = ?, withdrawn = ? WHERE annotation_id = ?")) {
                    ps.setObject(1, previousSeq);
                    ps.setInt(2, previousWithdrawn);
                    ps.setLong(3, annotationId);
                    ps.executeUpdate();
                }
                try (PreparedStatement ps = c.prepareStatement("UPDATE page_actions SET undone_at = ? WHERE action_id = ?")) {
                    ps.setString(1, Instant.now().toString());
                    ps.setLong(2, actionId);
                    ps.executeUpdate();
                }
                c.commit();
                return Optional.of(pairKey);
            } catch (SQLException | RuntimeException e) {
                c.rollback();
                throw e;
            }
        } catch (SQLException e) {
            throw new IOException(file + ": undo of " + annotator + "'s last label failed, nothing changed: "
                    + e.getMessage(), e);
        }
    }

    /** When {@code annotator}'s page labels since {@code since} were given (undone ones left out), oldest first. */
    public List<Instant> pageLabelTimes(String annotator, Instant since) throws IOException {
        List<Instant> out = new ArrayList<>();
        try (Connection c = connect(); PreparedStatement ps = c.prepareStatement("SELECT labelled_at FROM page_actions "
                + "WHERE annotator = ? AND undone_at IS NULL AND labelled_at >= ? ORDER BY action_id")) {
            ps.setString(1, annotator);
            ps.setString(2, since.toString());
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    out.add(Instant.parse(rs.getString(1)));
                }
            }
        } catch (SQLException e) {
            throw new IOException(file + ": " + e.getMessage(), e);
        }
        return out;
    }

    /** {@code annotator}'s latest valid label of each pair they labelled (imported or from the page), by pair key. */
    public java.util.Map<String, PageLabel> latestLabels(String annotator) throws IOException {
        java.util.Map<String, PageLabel> out = new java.util.LinkedHashMap<>();
        try (Connection c = connect(); PreparedStatement ps = c.prepareStatement("SELECT a.pair_key, a.cmi, a.sc, "
                + "a.image_type, a.snippets_json FROM annotations a WHERE a.annotator = ? AND a.withdrawn = 0 "
                + "AND a.valid = 1 ORDER BY " + ORDER)) {
            ps.setString(1, annotator);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    out.remove(rs.getString(1)); // keeps the map in the order the latest labels were given
                    out.put(rs.getString(1), new PageLabel(rs.getString(1), CmiLevel.ofValue(rs.getDouble(2)),
                            ScLevel.ofValue(rs.getDouble(3)), rs.getString(4), strings(rs.getString(5))));
                }
            }
        } catch (SQLException e) {
            throw new IOException(file + ": " + e.getMessage(), e);
        }
        return out;
    }

    private static String json(List<String> strings) {
        try {
            return Json.mapper().writeValueAsString(strings);
        } catch (JsonProcessingException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static List<String> strings(String json) {
        try {
            return Json.mapper().readValue(json, new TypeReference<List<String>>() { });
        } catch (JsonProcessingException e) {
            throw new UncheckedIOException(e);
        }
    }
}
