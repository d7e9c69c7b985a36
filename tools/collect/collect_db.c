/* collect_db.c - the collector's database thread: every stored document (already a file, fsynced
 * and answered) is copied into the fleet store here, one transaction per run.  When the store
 * fails (server down, disk full, lock timeout) the run is marked pending as an empty file
 * DIR/.dbq/NAME.json and the thread reconnects with a growing wait; once connected it stores
 * every pending run and removes its mark.  At the first connection it also queues the runs of
 * DIR/.runs the database lacks, so a crash between the file and the database loses nothing
 * (a document without a run id has no index entry: `barebench-db import DIR` finds it). */
#include "tools/collect/collect_db.h"
#include "tools/collect/collect.h"
#include "tools/collect/collect_log.h"
#include "tools/fleet/fleet_db.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

struct item {
    struct item *next;
    char name[256]; /* NAME.json in DIR */
};

struct collect_db {
    const struct collect_cfg *cfg;
    char *spec, *dir;
    char sqlite_file[4096], sqlite_dir[4096]; /* an SQLite database and where it grows ("" for
                                                 PostgreSQL) */
    char qdir[4096];
    int retry_max_s;
    pthread_t thread;
    pthread_mutex_t mu;
    pthread_cond_t cv;
    struct item *head, *tail;
    int queued, stopping;
    int overflow;          /* runs were marked pending directly (the memory queue was full) */
    long long last_upload_ms; /* when collect_db_stored was last called (CLOCK_MONOTONIC) */
    /* the thread's own */
    struct fleet_db *db;
    int reconciled, marks; /* marks: DIR/.dbq may hold pending runs */
    int down_logged;       /* this failure is logged: quiet until a store succeeds */
    int connected_once;
    time_t next_try;
    int wait_s;
};

static void logf_db(int status, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void logf_db(int status, const char *fmt, ...)
{
    char msg[1200];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    collect_log("database", status, msg);
}

/* Mark NAME pending: DIR/.dbq/NAME (not fsynced: a mark lost in a crash is found again from
 * DIR/.runs at the next start). */
static int touch(const char *qdir, const char *name)
{
    char p[4400];
    snprintf(p, sizeof p, "%s/%s", qdir, name);
    int fd = open(p, O_WRONLY | O_CREAT | O_CLOEXEC, 0640);
    if (fd < 0)
        return -1;
    close(fd);
    return 0;
}

static void mark(struct collect_db *c, const char *name)
{
    if (touch(c->qdir, name))
        logf_db(0, "cannot mark %s pending in %s: %s", name, c->qdir, strerror(errno));
    c->marks = 1;
}

static void unmark(struct collect_db *c, const char *name)
{
    char p[4400];
    snprintf(p, sizeof p, "%s/%s", c->qdir, name);
    unlink(p);
}

static void disconnect(struct collect_db *c, const char *why)
{
    if (!c->down_logged)
        logf_db(0, "%s; runs are kept pending in %s and retried", why, c->qdir);
    c->down_logged = 1;
    fleet_close(c->db);
    c->db = NULL;
    c->wait_s = 1;
    c->next_try = time(NULL) + c->wait_s;
}

/* What storing a document of len bytes may take in an SQLite database's file system: its text,
 * its rows and their log (COLLECT_DB_ROOM_FACTOR times it), and what the write-ahead log holds
 * (a checkpoint copies that into the database file while the log is still there). */
static size_t sqlite_need(const struct collect_db *c, size_t len)
{
    char wal[4200];
    struct stat st;
    snprintf(wal, sizeof wal, "%s-wal", c->sqlite_file);
    return len * COLLECT_DB_ROOM_FACTOR + (stat(wal, &st) == 0 ? (size_t)st.st_size : 0);
}

/* Store DIR/name.  1 when done with it (stored, already there, refused, or its file gone), 0
 * when the database failed (disconnected; the caller marks it pending). */
static int store(struct collect_db *c, const char *name)
{
    char path[4400], err[1024];
    size_t len;
    snprintf(path, sizeof path, "%s/%s", c->dir, name);
    char *text = fleet_read_file(path, &len, err, sizeof err);
    if (!text) {
        if (errno != ENOENT)
            logf_db(0, "%s: not stored in the database: %s", name, err);
        return 1; /* removed by hand: nothing to store */
    }
    int rc = FLEET_ERROR;
    /* an SQLite file beside the documents keeps out of the collector's reserve too */
    if (!c->sqlite_dir[0] || collect_room_for(c->cfg, c->sqlite_dir, sqlite_need(c, len), err,
                                              sizeof err) == 0)
        rc = fleet_store_text(c->db, text, len, path, err, sizeof err);
    free(text);
    if (rc == FLEET_ERROR) {
        char why[1200];
        snprintf(why, sizeof why, "storing %s failed: %s", name, err);
        disconnect(c, why);
        return 0;
    }
    if (rc == FLEET_REFUSED)
        logf_db(0, "%s: refused by the database, kept as a file only: %s", name, err);
    c->down_logged = 0; /* the next failure is news again */
    return 1;
}

/* The run ids the database holds, sorted once read. */
struct id_list {
    char **ids;
    size_t n, cap;
};

static int add_id(void *ctx, int ncols, const char *const *vals, const char *const *names)
{
    (void)names;
    struct id_list *l = ctx;
    if (!ncols || !vals[0] || !collect_run_id_ok(vals[0]))
        return 0;
    if (l->n == l->cap) {
        size_t cap = l->cap ? l->cap * 2 : 1024;
        char **n = realloc(l->ids, cap * sizeof *n);
        if (!n)
            return 1;
        l->ids = n;
        l->cap = cap;
    }
    if (!(l->ids[l->n] = strdup(vals[0])))
        return 1;
    l->n++;
    return 0;
}

static int cmp_id(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

/* The runs DIR/.runs names that the database lacks get marked pending. */
static void reconcile(struct collect_db *c)
{
    struct id_list l = {NULL, 0, 0};
    char err[1024], runs[4200];
    int missing = 0;
    if (fleet_query(c->db, "SELECT run_id FROM runs", 0, NULL, add_id, &l, err, sizeof err)) {
        disconnect(c, err);
        goto out;
    }
    qsort(l.ids, l.n, sizeof *l.ids, cmp_id);
    snprintf(runs, sizeof runs, "%s/%s", c->dir, COLLECT_RUNS_DIR);
    DIR *d = opendir(runs);
    struct dirent *e;
    while (d && (e = readdir(d))) {
        const char *id = e->d_name, *key = id;
        char target[512];
        if (!collect_run_id_ok(id) || bsearch(&key, l.ids, l.n, sizeof *l.ids, cmp_id))
            continue;
        ssize_t n = readlinkat(dirfd(d), id, target, sizeof target - 1);
        if (n <= 3 || strncmp(target, "../", 3) || memchr(target + 3, '/', (size_t)n - 3))
            continue;
        target[n] = '\0';
        mark(c, target + 3);
        missing++;
    }
    if (d)
        closedir(d);
    c->reconciled = 1;
    if (missing)
        logf_db(0, "%d stored runs were not in the database: queued", missing);
out:
    for (size_t i = 0; i < l.n; i++)
        free(l.ids[i]);
    free(l.ids);
}

static void connect_db(struct collect_db *c)
{
    char err[1024];
    struct fleet_db *db = fleet_open(c->spec, err, sizeof err);
    if (db && fleet_migrate(db, err, sizeof err)) {
        fleet_close(db);
        db = NULL;
    }
    if (!db) {
        if (!c->down_logged)
            logf_db(0, "unavailable: %s; runs are kept pending in %s and retried", err, c->qdir);
        c->down_logged = 1;
        c->wait_s = c->wait_s * 2 > c->retry_max_s ? c->retry_max_s : c->wait_s * 2;
        c->next_try = time(NULL) + c->wait_s;
        return;
    }
    c->db = db;
    if (!c->connected_once) /* where, unless the string holds a password */
        logf_db(0, "%s ready (schema version %d)",
                fleet_spec_has_password(c->spec) ? fleet_engine(db) : c->spec,
                FLEET_SCHEMA_VERSION);
    c->connected_once = 1;
    c->marks = 1;
    if (!c->reconciled)
        reconcile(c);
}

static int stopping(struct collect_db *c)
{
    pthread_mutex_lock(&c->mu);
    int s = c->stopping;
    pthread_mutex_unlock(&c->mu);
    return s;
}

static long long now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* Uploads first: a burst of a rack's uploads is parsed and stored without this thread's parsing
 * and inserting beside it (as much work again); while uploads keep coming (one in the last
 * COLLECT_DB_QUIET_MS), wait, at most COLLECT_DB_YIELD_MAX_MS before storing one run anyway. */
static void yield_to_uploads(struct collect_db *c)
{
    for (int waited = 0; waited < COLLECT_DB_YIELD_MAX_MS; waited += 20) {
        pthread_mutex_lock(&c->mu);
        int busy = !c->stopping && now_ms() - c->last_upload_ms < COLLECT_DB_QUIET_MS;
        pthread_mutex_unlock(&c->mu);
        if (!busy)
            return;
        usleep(20000);
    }
}

/* Store every pending run while the database takes them (at a stop, the rest stay marked for
 * the next start). */
static void drain_marks(struct collect_db *c)
{
    DIR *d = opendir(c->qdir);
    struct dirent *e;
    int stored = 0;
    c->marks = 0;
    while (d && c->db && !stopping(c) && (e = readdir(d))) {
        if (e->d_name[0] == '.')
            continue;
        yield_to_uploads(c);
        if (!store(c, e->d_name)) {
            c->marks = 1;
            break;
        }
        unmark(c, e->d_name);
        stored++;
    }
    if (d)
        closedir(d);
    if (stored)
        logf_db(0, "%d pending runs stored", stored);
}

static void *db_thread(void *arg)
{
    struct collect_db *c = arg;
    /* the uploads' threads first: this one only copies what is already safe in files */
    setpriority(PRIO_PROCESS, (id_t)syscall(SYS_gettid), 10);
    connect_db(c);
    for (;;) {
        if (c->db && c->marks)
            drain_marks(c);
        pthread_mutex_lock(&c->mu);
        while (!c->stopping && !c->head && !c->overflow && (c->db || time(NULL) < c->next_try)) {
            if (c->db) {
                pthread_cond_wait(&c->cv, &c->mu);
            } else {
                struct timespec ts = {c->next_try, 0};
                pthread_cond_timedwait(&c->cv, &c->mu, &ts);
            }
        }
        c->marks |= c->overflow;
        c->overflow = 0;
        struct item *it = c->head;
        if (it) {
            c->head = it->next;
            if (!c->head)
                c->tail = NULL;
            c->queued--;
        }
        int stop = c->stopping;
        pthread_mutex_unlock(&c->mu);
        if (!it && stop)
            break;
        if (!c->db && !stop && time(NULL) >= c->next_try)
            connect_db(c);
        if (it && c->db)
            yield_to_uploads(c);
        if (it) {
            if (!c->db || !store(c, it->name))
                mark(c, it->name);
            else
                unmark(c, it->name);
            free(it);
        }
    }
    fleet_close(c->db);
    c->db = NULL;
    return NULL;
}

struct collect_db *collect_db_start(const char *spec, const struct collect_cfg *cfg,
                                    int retry_max_s, char *err, size_t errlen)
{
    const char *dir = cfg->dir;
    struct collect_db *c = calloc(1, sizeof *c);
    if (!c || !(c->spec = strdup(spec)) || !(c->dir = strdup(dir))) {
        snprintf(err, errlen, "out of memory");
        goto fail;
    }
    if (strncmp(spec, "sqlite:", 7) && strncmp(spec, "postgresql://", 13) &&
        strncmp(spec, "postgres://", 11)) {
        snprintf(err, errlen, "--db %.80s: not sqlite:PATH or postgresql://...", spec);
        goto fail;
    }
    c->cfg = cfg;
    if (fleet_sqlite_file(spec, c->sqlite_file, sizeof c->sqlite_file)) {
        snprintf(c->sqlite_dir, sizeof c->sqlite_dir, "%s", c->sqlite_file);
        char *slash = strrchr(c->sqlite_dir, '/');
        if (slash)
            slash[slash == c->sqlite_dir] = '\0'; /* "/x.sqlite": "/" */
        else
            snprintf(c->sqlite_dir, sizeof c->sqlite_dir, ".");
    }
    c->retry_max_s = retry_max_s > 0 ? retry_max_s : COLLECT_DB_RETRY_MAX_S;
    c->wait_s = 1;
    snprintf(c->qdir, sizeof c->qdir, "%s/%s", dir, COLLECT_DB_QUEUE_DIR);
    if (mkdir(c->qdir, 0750) && errno != EEXIST) {
        snprintf(err, errlen, "cannot create %s: %s", c->qdir, strerror(errno));
        goto fail;
    }
    pthread_mutex_init(&c->mu, NULL);
    pthread_cond_init(&c->cv, NULL);
    if (pthread_create(&c->thread, NULL, db_thread, c)) {
        snprintf(err, errlen, "cannot start the database thread");
        goto fail;
    }
    return c;
fail:
    if (c) {
        free(c->spec);
        free(c->dir);
    }
    free(c);
    return NULL;
}

void collect_db_stored(struct collect_db *c, const char *path)
{
    const char *name = strrchr(path, '/') ? strrchr(path, '/') + 1 : path;
    struct item *it = calloc(1, sizeof *it);
    if (!c || strlen(name) >= sizeof it->name) {
        free(it);
        return;
    }
    pthread_mutex_lock(&c->mu);
    c->last_upload_ms = now_ms();
    if (!it || c->queued >= COLLECT_DB_MEMORY_QUEUE) {
        /* too many waiting: the mark keeps it, the thread finds it there */
        if (touch(c->qdir, name))
            collect_log("database", 0, "cannot mark a run pending");
        c->overflow = 1;
        free(it);
    } else {
        snprintf(it->name, sizeof it->name, "%s", name);
        if (c->tail)
            c->tail->next = it;
        else
            c->head = it;
        c->tail = it;
        c->queued++;
    }
    pthread_cond_signal(&c->cv);
    pthread_mutex_unlock(&c->mu);
}

void collect_db_stop(struct collect_db *c)
{
    if (!c)
        return;
    pthread_mutex_lock(&c->mu);
    c->stopping = 1;
    pthread_cond_signal(&c->cv);
    pthread_mutex_unlock(&c->mu);
    pthread_join(c->thread, NULL);
    pthread_mutex_destroy(&c->mu);
    pthread_cond_destroy(&c->cv);
    free(c->spec);
    free(c->dir);
    free(c);
}
