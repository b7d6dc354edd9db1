// Counts, per thread, the reference-count operations on each object (swift_retain/release and
// their _n and bridge-object forms), for bench/shared_objects.sh. Loaded with LD_PRELOAD: every
// call from the binary goes through these first, then to the Swift runtime's own.
//
// At exit it writes one line per heap object a thread changed at least RC_MIN times:
//     THREAD OBJECT COUNT IMAGE METADATA_OFFSET
// (IMAGE and the offset of the object's metadata in it name the object's type). Objects inside
// a loaded image (static, immortal: the empty array, constant strings) are left out: changing
// their count writes nothing, so threads that share them do not contend.
#define _GNU_SOURCE
#include <dlfcn.h>
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#define SLOTS (1 << 18)
#define MAX_THREADS 64

typedef struct { uintptr_t object; uint64_t count; } Slot;

static Slot *tables[MAX_THREADS];
static int threadCount;
static pthread_mutex_t registry = PTHREAD_MUTEX_INITIALIZER;
static __thread int thread = -1;
// Set when a second thread first counts: the first thread's counts so far (loading the policy,
// which retains and releases every thread's copy of it) are dropped, so that only what threads
// do while they run side by side is reported.
static volatile int restart;

static void *(*realRetain)(void *);
static void (*realRelease)(void *);
static void *(*realRetainN)(void *, uint32_t);
static void (*realReleaseN)(void *, uint32_t);
static void *(*realBridgeRetain)(void *);
static void (*realBridgeRelease)(void *);

static void resolve(void) {
    realRetain = dlsym(RTLD_NEXT, "swift_retain");
    realRelease = dlsym(RTLD_NEXT, "swift_release");
    realRetainN = dlsym(RTLD_NEXT, "swift_retain_n");
    realReleaseN = dlsym(RTLD_NEXT, "swift_release_n");
    realBridgeRetain = dlsym(RTLD_NEXT, "swift_bridgeObjectRetain");
    realBridgeRelease = dlsym(RTLD_NEXT, "swift_bridgeObjectRelease");
}

static void count(uintptr_t object, uint64_t times) {
    if (object == 0) return;
    if (thread < 0) {
        pthread_mutex_lock(&registry);
        if (threadCount < MAX_THREADS) {
            thread = threadCount++;
            tables[thread] = calloc(SLOTS, sizeof(Slot));
        }
        pthread_mutex_unlock(&registry);
        if (thread < 0) return;
        if (thread == 1) __atomic_store_n(&restart, 1, __ATOMIC_RELEASE);
    }
    if (thread == 0 && __atomic_load_n(&restart, __ATOMIC_ACQUIRE) == 1) {
        for (size_t slot = 0; slot < SLOTS; slot++) tables[0][slot] = (Slot){0, 0};
        restart = 2;
    }
    Slot *table = tables[thread];
    size_t slot = (size_t)((object >> 4) * 0x9E3779B97F4A7C15ull >> 46);
    for (;;) {
        slot &= SLOTS - 1;
        if (table[slot].object == object) { table[slot].count += times; return; }
        if (table[slot].object == 0) { table[slot].object = object; table[slot].count = times; return; }
        slot++;
    }
}

// A bridge object is a native object's address with tag bits (the top bit: not native; the
// low three: spare), or a tagged small value: only native objects are counted.
static uintptr_t nativeObject(void *bridge) {
    uintptr_t bits = (uintptr_t)bridge;
    if (bits >> 63) return 0;
    return bits & 0x0FFFFFFFFFFFFFF8ull;
}

void *swift_retain(void *object) { if (!realRetain) resolve(); count((uintptr_t)object, 1); return realRetain(object); }
void swift_release(void *object) { if (!realRelease) resolve(); count((uintptr_t)object, 1); realRelease(object); }
void *swift_retain_n(void *object, uint32_t n) { if (!realRetainN) resolve(); count((uintptr_t)object, n); return realRetainN(object, n); }
void swift_release_n(void *object, uint32_t n) { if (!realReleaseN) resolve(); count((uintptr_t)object, n); realReleaseN(object, n); }
void *swift_bridgeObjectRetain(void *object) { if (!realBridgeRetain) resolve(); count(nativeObject(object), 1); return realBridgeRetain(object); }
void swift_bridgeObjectRelease(void *object) { if (!realBridgeRelease) resolve(); count(nativeObject(object), 1); realBridgeRelease(object); }

// Whether 8 bytes at `address` can be read (a freed large block may be unmapped): a write
// from unreadable memory to a pipe fails with EFAULT instead of faulting.
static int readable(int probe[2], const void *address) {
    if (write(probe[1], address, 8) != 8) return 0;
    char sink[8];
    return read(probe[0], sink, 8) == 8;
}

__attribute__((destructor)) static void report(void) {
    int probe[2];
    if (pipe(probe) != 0) return;
    const char *path = getenv("RC_SHIM_OUT");
    const char *minimum = getenv("RC_MIN");
    uint64_t least = minimum ? strtoull(minimum, NULL, 10) : 100;
    FILE *out = fopen(path ? path : "rc_shim.out", "w");
    if (!out) return;
    for (int index = 0; index < threadCount; index++) {
        Slot *table = tables[index];
        for (size_t slot = 0; slot < SLOTS; slot++) {
            if (table[slot].object == 0 || table[slot].count < least) continue;
            Dl_info info;
            if (dladdr((void *)table[slot].object, &info) && info.dli_fname) continue;  // static, immortal
            // An object still alive at exit (the policy, the deciders' buffers) begins with its
            // metadata; one freed since may name another type, or nothing.
            if (!readable(probe, (void *)table[slot].object)) continue;
            void *metadata = *(void **)table[slot].object;
            const char *image = "?";
            uintptr_t offset = 0;
            if (dladdr(metadata, &info) && info.dli_fname) {
                image = info.dli_fname;
                offset = (uintptr_t)metadata - (uintptr_t)info.dli_fbase;
            }
            fprintf(out, "%d %lx %llu %s %lx\n", index, (unsigned long)table[slot].object,
                    (unsigned long long)table[slot].count, image, (unsigned long)offset);
        }
    }
    fclose(out);
}
