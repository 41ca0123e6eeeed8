/*
 * Local MongoDB stand-in: mongo-java-server with the H2 (MVStore) backend, file on disk.
 *
 * Run without a build step (Java single-file source launch):
 *   java -Xmx512m -cp 'deploy/local/libs/*' deploy/local/Launcher.java --port 27017 --db-file /path/mongo.mv
 *
 * Options:
 *   --port P        TCP port (default 27017)
 *   --host H        bind address (default 127.0.0.1)
 *   --db-file F     H2 MVStore file (created if missing; parent folders too). Required.
 *
 * Deliberate differences to the stock H2MongoServer:
 *  1. It reports MongoDB 4.4.0 / maxWireVersion 9. The library's newest enum value
 *     (ServerVersion.MONGO_5_0) says wire version 8, which PyMongo >= 4.14 refuses
 *     ("... requires at least 9 (MongoDB 4.4)").
 *  2. The MVStore is committed after EVERY command, before the reply goes out. Stock
 *     H2Backend relies on MVStore's background auto-commit (about once a second), so a
 *     kill -9 loses acknowledged writes (measured: 157 and 238 of 500 left). With the commit
 *     per command, an acknowledged write has reached the file (the OS page cache: this
 *     survives a killed process, not a power cut, since we do not fsync each command).
 *  3. Because of 2., the MVStore is opened with retention time 0, 4 KB pages and compression
 *     (else the file grows by ~37 KB per write: 262 MB after 7,000 small writes; now 2 MB),
 *     and compacted on a clean stop. Tunable with -Dmongo.h2.retentionMs / pageSplitSize /
 *     closeCompactMs.
 *  4. It answers "hello" (as isMaster + isWritablePrimary), which the library lacks.
 *  5. Unique indexes order their keys with the library's own ValueComparator. Stock H2Database
 *     opens each index map with H2's ObjectDataType, which cannot compare the library's
 *     KeyValue (not Comparable) and so Java-serialises both keys on every comparison of every
 *     lookup: measured with JFR while archiving 10,000 cases, 43 % of the server's CPU, and the
 *     reason writes slowed as collections grew. Keys are still stored in ObjectDataType's
 *     format; only the order differs, so these maps get their own name (KEY_ORDER_SUFFIX); the
 *     library rebuilds them from the documents on the first start over an older file.
 *  6. Documents are stored as BSON (the library's own codec for the wire) instead of H2's Java
 *     serialisation: after 5, serialising documents on each commit and reading pages back
 *     were the largest part of the server's CPU. A file from before is rewritten on its first
 *     start, one collection per commit (see storeDocumentsAsBson).
 *     -Dmongo.h2.cacheMb sets the MVStore page cache (default 16, H2's own default).
 *  7. Every command runs with its store version registered as in use (atPinnedVersion). Without
 *     it, because of 3., a read overlapping other clients' commits could find its chunk reused
 *     ("Chunk N not found"), after which H2 closes the store. Since 8 no commit overlaps a
 *     command; the pin stays as a second guard.
 *  8. No background writer: the commits of 2. are the only ones, and each runs alone, while no
 *     command runs (a read-write lock). H2 serialises a commit's pages from the very objects its
 *     maps hold; a commit while a command still changed one panicked with a
 *     ConcurrentModificationException in CI and closed the store.
 *
 * On SIGTERM/SIGINT: stop listening, commit, close the store (the JVM shutdown hook).
 * Prints one line "mongo-java-server ready on 127.0.0.1:P (...)" on stdout when it accepts
 * connections; deploy/local/bin/infra waits for it.
 */

import de.bwaldvogel.mongo.MongoCollection;
import de.bwaldvogel.mongo.MongoDatabase;
import de.bwaldvogel.mongo.MongoServer;
import de.bwaldvogel.mongo.MongoVersion;
import de.bwaldvogel.mongo.backend.CollectionOptions;
import de.bwaldvogel.mongo.backend.CursorRegistry;
import de.bwaldvogel.mongo.backend.Index;
import de.bwaldvogel.mongo.backend.IndexKey;
import de.bwaldvogel.mongo.backend.KeyValue;
import de.bwaldvogel.mongo.backend.ValueComparator;
import de.bwaldvogel.mongo.backend.h2.H2Backend;
import de.bwaldvogel.mongo.backend.h2.H2Database;
import de.bwaldvogel.mongo.backend.h2.H2UniqueIndex;
import de.bwaldvogel.mongo.bson.Document;
import de.bwaldvogel.mongo.wire.bson.BsonDecoder;
import de.bwaldvogel.mongo.wire.bson.BsonEncoder;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import org.h2.mvstore.MVMap;
import org.h2.mvstore.MVStore;
import org.h2.mvstore.WriteBuffer;
import org.h2.mvstore.type.BasicDataType;
import org.h2.mvstore.type.ObjectDataType;

import java.io.File;
import java.lang.reflect.Constructor;
import java.nio.ByteBuffer;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.locks.ReentrantReadWriteLock;
import java.util.function.Supplier;

public class Launcher {

    // MVStore tuning (system properties for experiments; defaults measured, see README):
    // - retention: how long chunks without live data are kept before their space is reused.
    //   H2's default is 45 s, which with one commit per command lets the file grow by tens of
    //   KB per write for 45 s (262 MB after 7,000 small writes). We only promise survival of a
    //   killed process (the OS page cache survives), not of a power cut.
    // - page split size / compression: smaller, compressed pages = less written per commit.
    static final int RETENTION_MS = Integer.getInteger("mongo.h2.retentionMs", 0);
    static final int PAGE_SPLIT_SIZE = Integer.getInteger("mongo.h2.pageSplitSize", 4096);
    static final int CLOSE_COMPACT_MS = Integer.getInteger("mongo.h2.closeCompactMs", 3000);
    static final int CACHE_MB = Integer.getInteger("mongo.h2.cacheMb", 16);
    // Index and document maps the stock way (differences 5 and 6 off): writes a file as
    // launchers before them did, for the test that such a file is carried over. Never on a file
    // a launcher without it has written: it cannot read that one.
    static final boolean STOCK_FORMAT = Boolean.getBoolean("mongo.h2.stockFormat");

    /** MongoDB 4.4.0, wire version 9 (the oldest server PyMongo 4.20 accepts). */
    enum Mongo44 implements MongoVersion {
        INSTANCE;

        @Override
        public List<Integer> getVersionArray() {
            return List.of(4, 4, 0);
        }

        @Override
        public int getWireVersion() {
            return 9;
        }
    }

    /** Index keys in ObjectDataType's stored format, ordered by the library's ValueComparator. */
    static final class KeyValueType extends BasicDataType<KeyValue> {
        static final KeyValueType INSTANCE = new KeyValueType();
        private static final ValueComparator ORDER = ValueComparator.asc();
        private final ObjectDataType stored = new ObjectDataType();

        @Override
        public int compare(KeyValue a, KeyValue b) {
            int common = Math.min(a.size(), b.size());
            for (int i = 0; i < common; i++) {
                int order = ORDER.compare(a.get(i), b.get(i));
                if (order != 0) {
                    return order;
                }
            }
            return Integer.compare(a.size(), b.size());
        }

        @Override
        public int getMemory(KeyValue key) {
            return stored.getMemory(key);
        }

        @Override
        public void write(WriteBuffer buffer, KeyValue key) {
            stored.write(buffer, key);
        }

        @Override
        public KeyValue read(ByteBuffer buffer) {
            return (KeyValue) stored.read(buffer);
        }

        @Override
        public KeyValue[] createStorage(int size) {
            return new KeyValue[size];
        }
    }

    /** Documents stored as BSON, with the library's own wire codec (difference 6). */
    static final class BsonDocumentType extends BasicDataType<Document> {
        static final BsonDocumentType INSTANCE = new BsonDocumentType();
        // H2's page cache counts memory by this estimate: the BSON size times what the decoded
        // object graph (maps, boxed values, strings) takes in the heap, roughly.
        private static final int HEAP_BYTES_PER_BSON_BYTE = 4;
        private volatile int averageSize = 1024;

        @Override
        public int getMemory(Document document) {
            return averageSize * HEAP_BYTES_PER_BSON_BYTE;
        }

        @Override
        public void write(WriteBuffer buffer, Document document) {
            ByteBuf bson = Unpooled.buffer();
            try {
                BsonEncoder.encodeDocument(document, bson);
                averageSize = (averageSize * 15 + bson.readableBytes()) / 16;
                buffer.put(bson.nioBuffer());
            } finally {
                bson.release();
            }
        }

        @Override
        public Document read(ByteBuffer buffer) {
            // A BSON document starts with its own length, a little-endian int32.
            int at = buffer.position();
            int size = (buffer.get(at) & 0xff) | (buffer.get(at + 1) & 0xff) << 8
                    | (buffer.get(at + 2) & 0xff) << 16 | (buffer.get(at + 3) & 0xff) << 24;
            byte[] bson = new byte[size];
            buffer.get(bson);
            return BsonDecoder.decodeBson(Unpooled.wrappedBuffer(bson));
        }

        @Override
        public Document[] createStorage(int size) {
            return new Document[size];
        }
    }

    static final String DATA_MAP_PREFIX = "databases."; // as H2Database names a collection's documents
    static final String FORMAT_MAP = "launcher.format";
    static final String CONVERTING_PREFIX = "launcher.converting.";

    static MVMap<Object, Document> openDocuments(MVStore store, String name) {
        return store.openMap(name, new MVMap.Builder<Object, Document>().valueType(BsonDocumentType.INSTANCE));
    }

    /**
     * Rewrites the document maps of a file written before difference 6 in BSON, one map a commit
     * (each commit is atomic: a map is either still as it was or converted and marked so), then
     * marks the whole file. Runs before the backend opens anything.
     */
    static void storeDocumentsAsBson(MVStore store) {
        MVMap<String, String> format = store.openMap(FORMAT_MAP);
        if ("bson".equals(format.get("documents"))) {
            return;
        }
        for (String name : new TreeSet<>(store.getMapNames())) {
            if (!name.startsWith(DATA_MAP_PREFIX) || "bson".equals(format.get(name))) {
                continue;
            }
            MVMap<Object, Object> stock = store.openMap(name);
            MVMap<Object, Document> converted = openDocuments(store, CONVERTING_PREFIX + name);
            converted.clear(); // left over from a start that stopped half-way through this map
            for (Map.Entry<Object, Object> entry : stock.entrySet()) {
                converted.put(entry.getKey(), (Document) entry.getValue());
            }
            store.removeMap(stock);
            store.renameMap(converted, name);
            format.put(name, "bson");
            store.commit();
            System.out.println("mongo launcher: " + name + " stored as BSON (" + converted.size() + " documents)");
        }
        format.clear();
        format.put("documents", "bson");
        store.commit();
    }

    static final String KEY_ORDER_SUFFIX = "#ordered";

    /** H2Database with its unique indexes in value order (difference 5) and its documents as BSON (6). */
    static final class LocalH2Database extends H2Database {
        private static final Constructor<H2UniqueIndex> UNIQUE_INDEX;

        static {
            try {
                // Package-private in the library; the index logic itself is reused unchanged.
                UNIQUE_INDEX = H2UniqueIndex.class.getDeclaredConstructor(MVMap.class, String.class, List.class, boolean.class);
                UNIQUE_INDEX.setAccessible(true);
            } catch (NoSuchMethodException e) {
                throw new IllegalStateException("mongo-java-server's H2UniqueIndex changed", e);
            }
        }

        // The one store of this process, set before the backend exists: H2Backend's constructor
        // already opens the databases of the file, and their indexes, before any field is set.
        static MVStore store;

        LocalH2Database(String name, MVStore store, CursorRegistry cursors) {
            super(name, store, cursors);
        }

        private String indexMapName(String collectionName, String indexName) {
            return getFullCollectionNamespace(collectionName) + "._index_" + indexName; // as H2Database names it
        }

        @Override
        protected Index<Object> openOrCreateUniqueIndex(String collectionName, String indexName, List<IndexKey> keys, boolean sparse) {
            if (STOCK_FORMAT) {
                return super.openOrCreateUniqueIndex(collectionName, indexName, keys, sparse);
            }
            String stockName = indexMapName(collectionName, indexName);
            String name = stockName + KEY_ORDER_SUFFIX;
            MVMap<KeyValue, Object> map = store.openMap(name, new MVMap.Builder<KeyValue, Object>().keyType(KeyValueType.INSTANCE));
            if (store.hasMap(stockName)) {
                // A file from before: its map is in the other order. The library fills an empty
                // index from the collection's documents when it opens the collection
                // (AbstractMongoCollection.addIndex), so the new map needs no copying.
                store.removeMap(stockName);
            }
            try {
                return UNIQUE_INDEX.newInstance(map, indexName, keys, sparse);
            } catch (ReflectiveOperationException e) {
                throw new IllegalStateException("cannot open index " + indexName + " of " + collectionName, e);
            }
        }

        @Override
        protected MongoCollection<Object> openOrCreateCollection(String collectionName, CollectionOptions options) {
            if (!STOCK_FORMAT) {
                // Opened here first with the BSON value type: H2Database's openMap by the same name
                // then gets this open map.
                openDocuments(store, DATA_MAP_PREFIX + getFullCollectionNamespace(collectionName));
            }
            return super.openOrCreateCollection(collectionName, options);
        }

        @Override
        protected void dropIndex(MongoCollection<Object> collection, String indexName) {
            super.dropIndex(collection, indexName);
            String name = indexMapName(collection.getCollectionName(), indexName) + KEY_ORDER_SUFFIX;
            if (store.hasMap(name)) {
                store.removeMap(name);
            }
        }
    }

    /**
     * Runs work with the store's current version registered as in use, as H2's own
     * TransactionStore does for a transaction. Why: a command reads a map from the root it found
     * when it began. Before difference 8, other clients' commands committed (one version each)
     * and a background writer rewrote sparse chunks meanwhile; with retention 0, a chunk nothing
     * registered needs is freed and reused once a few versions have passed, so a read that
     * outlived them met "Chunk N not found"; H2 then closes the store for good, and every later
     * command of every client answers "This store is closed" (one CI run lost 25 tests to it).
     * Now commits wait for running commands, and the pin is a second guard. A registered
     * version keeps its chunks until the work ends. Queries need nothing beyond the command: the
     * library materialises a result before the first reply (InMemoryCursor), so getMore reads no
     * map.
     */
    static <T> T atPinnedVersion(MVStore store, Supplier<T> work) {
        MVStore.TxCounter pinned = store.registerVersionUsage();
        try {
            return work.get();
        } finally {
            store.deregisterVersionUsage(pinned);
        }
    }

    /** The store file opened with the tuning above (differences 2 and 3). */
    static MVStore openStore(File file) {
        MVStore store = new MVStore.Builder()
                .fileName(file.getPath())
                .pageSplitSize(PAGE_SPLIT_SIZE)
                .cacheSize(CACHE_MB)
                .compress()
                // No background writer: every command commits itself (CommittingH2Backend), under a
                // lock no command holds. H2 serialises a commit's pages from the objects its maps hold,
                // not from copies, so a background commit while a command still changes such an object
                // panics with ConcurrentModificationException and closes the store for good (seen in
                // CI; the pattern of h2database #3898 and nitrite-java #1296).
                .autoCommitDisabled()
                .open();
        store.setRetentionTime(RETENTION_MS);
        return store;
    }

    /** H2Backend that commits the MVStore after each command (writes survive kill -9). */
    static final class CommittingH2Backend extends H2Backend {
        CommittingH2Backend(MVStore store) {
            super(sharedWithDatabases(store));
        }

        private static MVStore sharedWithDatabases(MVStore store) {
            LocalH2Database.store = store;
            return store;
        }

        @Override
        protected MongoDatabase openOrCreateDatabase(String databaseName) {
            return new LocalH2Database(databaseName, getMvStore(), getCursorRegistry());
        }

        // handleMessage (OP_MSG) and handleQuery on $cmd both end up here (virtual call), so
        // this is the single place every command passes through. The commit happens before
        // the reply document is returned to netty, i.e. before the client sees "acknowledged".
        // It runs in finally: a bulk insert that fails half-way (duplicate key) has still
        // written its first documents, and those must not vanish on a crash either.
        // A command that changed nothing (reads, hello, ping) takes no lock (commitQuietly).
        // The command itself runs at a pinned version (see atPinnedVersion).
        // Commands run side by side (read lock); a commit runs alone (write lock), so no command
        // changes an object while the commit serialises it (see openStore).
        private final ReentrantReadWriteLock commitLock = new ReentrantReadWriteLock();

        @Override
        public Document handleCommand(Channel channel, String databaseName, String command, Document query) {
            try {
                commitLock.readLock().lock();
                try {
                    return atPinnedVersion(getMvStore(), () -> answer(channel, databaseName, command, query));
                } finally {
                    commitLock.readLock().unlock();
                }
            } finally {
                commitQuietly();
            }
        }

        private Document answer(Channel channel, String databaseName, String command, Document query) {
            if ("hello".equals(command)) {
                // MongoDB >= 4.4.2 answers "hello"; the library only knows "isMaster".
                // PyMongo itself uses isMaster against wire version 9, but other clients
                // (serverApi, mongosh, newer drivers) send hello.
                Document reply = super.handleCommand(channel, databaseName, "isMaster", query);
                reply.put("isWritablePrimary", Boolean.TRUE);
                reply.remove("ismaster");
                return reply;
            }
            return super.handleCommand(channel, databaseName, command, query);
        }

        // On a clean stop: commit, then close with up to CLOSE_COMPACT_MS of compaction so the
        // file shrinks back (a commit per command leaves many small chunks behind).
        @Override
        public void close() {
            commitQuietly();
            MVStore store = getMvStore();
            if (!store.isClosed()) {
                try {
                    store.close(CLOSE_COMPACT_MS);
                } catch (RuntimeException e) {
                    System.err.println("mongo launcher: MVStore close(compact) failed: " + e);
                }
            }
            super.close(); // cursors etc.; MVStore.close() again is a no-op
        }

        void commitQuietly() {
            MVStore store = getMvStore();
            // Reads (find, count, hello, ping) change nothing, so they need not wait for every
            // running command to end. A command's own changes are in its maps before this check:
            // "no unsaved changes" means a commit has taken them, and that commit is finished unless
            // the write lock is still held (H2 counts a version as stored when its commit starts,
            // so the order of these two checks matters).
            if (store.isClosed() || (!store.hasUnsavedChanges() && !commitLock.isWriteLocked())) {
                return;
            }
            commitLock.writeLock().lock();
            try {
                if (!store.isClosed()) {
                    commit();
                }
            } catch (RuntimeException e) {
                System.err.println("mongo launcher: MVStore commit failed: " + e);
            } finally {
                commitLock.writeLock().unlock();
            }
        }
    }

    private static void usage(String error) {
        System.err.println("error: " + error);
        System.err.println("usage: java -cp 'libs/*' Launcher.java --db-file FILE [--port 27017] [--host 127.0.0.1]");
        System.exit(2);
    }

    public static void main(String[] args) throws Exception {
        String host = "127.0.0.1";
        int port = 27017;
        String dbFile = null;
        for (int i = 0; i < args.length; i++) {
            String a = args[i];
            String value = (i + 1 < args.length) ? args[i + 1] : null;
            switch (a) {
                case "--port":
                    if (value == null) usage("--port needs a value");
                    try {
                        port = Integer.parseInt(value);
                    } catch (NumberFormatException e) {
                        usage("--port must be a number, got '" + value + "'");
                    }
                    i++;
                    break;
                case "--host":
                    if (value == null) usage("--host needs a value");
                    host = value;
                    i++;
                    break;
                case "--db-file":
                    if (value == null) usage("--db-file needs a value");
                    dbFile = value;
                    i++;
                    break;
                case "-h":
                case "--help":
                    usage("help requested");
                    break;
                default:
                    usage("unknown argument '" + a + "'");
            }
        }
        if (dbFile == null) usage("--db-file is required");

        File file = new File(dbFile).getAbsoluteFile();
        File parent = file.getParentFile();
        if (parent != null && !parent.isDirectory() && !parent.mkdirs()) {
            usage("cannot create folder " + parent);
        }

        MVStore store = openStore(file);
        if (!STOCK_FORMAT) {
            storeDocumentsAsBson(store);
        }
        CommittingH2Backend backend = new CommittingH2Backend(store);
        backend.version(Mongo44.INSTANCE);
        MongoServer server = new MongoServer(backend);

        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            System.out.println("mongo-java-server shutting down (commit + close " + file + ")");
            try {
                server.stopListening();
            } catch (RuntimeException e) {
                System.err.println("mongo launcher: stopListening failed: " + e);
            }
            backend.commitQuietly();
            try {
                server.shutdownNow(); // closes clients, event loops, then backend.close() -> MVStore.close()
            } catch (RuntimeException e) {
                System.err.println("mongo launcher: shutdown failed: " + e);
            }
            try {
                if (!backend.getMvStore().isClosed()) {
                    backend.getMvStore().close();
                }
            } catch (RuntimeException e) {
                System.err.println("mongo launcher: MVStore close failed: " + e);
            }
            System.out.println("mongo-java-server stopped");
            System.out.flush();
            stopped.countDown();
        }, "mongo-shutdown"));

        try {
            server.bind(host, port);
        } catch (RuntimeException e) {
            System.err.println("mongo launcher: cannot bind " + host + ":" + port + ": " + e);
            System.exit(1);
        }
        System.out.println("mongo-java-server ready on " + host + ":" + port
                + " (reports MongoDB 4.4.0, wire version 9; H2 file " + file + ")");
        System.out.flush();
        stopped.await(); // netty threads keep the JVM alive anyway; this just parks main
    }
}
