/*
 * A scan of a map that runs while the store commits and compacts (Launcher difference 7).
 *
 * Compiled together with deploy/local/Launcher.java and run by test_local_store.py. Single
 * threaded, so it does not depend on timing: a cursor is opened over a map read back from disk,
 * and between its steps the store commits several versions and rewrites its sparse chunks, as
 * other clients' commands and the background writer do in the server. The same scan runs twice
 * on a file opened the launcher's way: once at a version pinned with Launcher.atPinnedVersion
 * (must read every entry), once without (must fail with H2's "not found", else this scenario
 * does not reach the hazard and proves nothing). Prints one line each; exit 0 when both hold.
 */

import org.h2.mvstore.MVMap;
import org.h2.mvstore.MVStore;
import org.h2.mvstore.MVStoreException;

import java.io.File;
import java.util.Iterator;

public class ScanDuringCompaction {
    static final int ENTRIES = 4_000;
    static final int STEP = 500;

    public static void main(String[] args) throws Exception {
        File folder = new File(args[0]);
        String pinned = scan(new File(folder, "pinned.mv"), true);
        String unpinned = scan(new File(folder, "unpinned.mv"), false);
        System.out.println("pinned: " + pinned);
        System.out.println("unpinned: " + unpinned);
        boolean holds = pinned.equals("read " + ENTRIES + " of " + ENTRIES) && unpinned.contains("not found");
        System.exit(holds ? 0 : 1);
    }

    static String scan(File file, boolean pin) {
        writeHalfOverwritten(file);
        MVStore store = Launcher.openStore(file);
        store.setAutoCommitDelay(0); // no background writer: every step below is this thread's
        try {
            MVMap<Integer, String> data = store.openMap("data");
            MVMap<Integer, Integer> side = store.openMap("side");
            if (pin) {
                return Launcher.atPinnedVersion(store, () -> readAll(store, data, side));
            }
            return readAll(store, data, side);
        } catch (MVStoreException e) {
            return e.getMessage();
        } finally {
            store.closeImmediately();
        }
    }

    static String readAll(MVStore store, MVMap<Integer, String> data, MVMap<Integer, Integer> side) {
        int read = 0;
        Iterator<Integer> keys = data.keyIterator(null);
        while (keys.hasNext()) {
            keys.next();
            read++;
            if (read % STEP == 0) {
                for (int version = 0; version < 2 * store.getVersionsToKeep(); version++) {
                    side.put(version, read); // other clients' commands: one version each
                    store.commit();
                }
                store.compact(95, 16 * 1024 * 1024); // what the background writer does to sparse chunks
                side.put(-1, read);
                store.commit(); // frees the rewritten chunks no registered version needs
            }
        }
        return "read " + read + " of " + ENTRIES;
    }

    /** Entries spread over many chunks, every other one overwritten: chunks half dead. */
    static void writeHalfOverwritten(File file) {
        file.delete();
        MVStore store = Launcher.openStore(file);
        MVMap<Integer, String> data = store.openMap("data");
        for (int pass = 0; pass < 2; pass++) {
            for (int key = pass; key < ENTRIES; key += pass + 1) {
                data.put(key, "entry " + key + " pass " + pass + " " + "x".repeat(120));
                if (key % 250 == 0) {
                    store.commit();
                }
            }
        }
        store.close();
    }
}
