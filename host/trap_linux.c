/* trap_linux.c - the trap-safe execution interface on Linux: SIGILL/SIGSEGV/SIGBUS handlers
 * turn a fault inside plat_try into a return with the architecture's fault number (arch/cpu.h
 * ARCH_FAULT_*, siglongjmp); privileged services are not available to a user program. */
#include "arch/cpu.h"
#include "kernel/platform.h"

#include <setjmp.h>
#include <signal.h>
#include <string.h>
#include <sys/mman.h>

static struct sigaction old_ill, old_segv, old_bus;
static sigjmp_buf *volatile cur_jb;
static volatile sig_atomic_t fault_vec;
static int installed;

static void on_fault(int sig, siginfo_t *si, void *ctx)
{
    (void)ctx;
    if (!cur_jb) { /* not ours: let the default action happen */
        signal(sig, SIG_DFL);
        raise(sig);
        return;
    }
    int page = sig == SIGSEGV && (si->si_code == SEGV_MAPERR || si->si_code == SEGV_ACCERR);
    fault_vec = sig == SIGILL ? ARCH_FAULT_UNDEFINED : page ? ARCH_FAULT_PAGE : ARCH_FAULT_PROTECTION;
    siglongjmp(*cur_jb, 1);
}

int plat_trap_begin(void)
{
    if (installed)
        return 0;
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_sigaction = on_fault;
    sa.sa_flags = SA_SIGINFO | SA_NODEFER;
    sigemptyset(&sa.sa_mask);
    if (sigaction(SIGILL, &sa, &old_ill) || sigaction(SIGSEGV, &sa, &old_segv) ||
        sigaction(SIGBUS, &sa, &old_bus))
        return -1;
    installed = 1;
    return 0;
}

void plat_trap_end(void)
{
    if (!installed)
        return;
    sigaction(SIGILL, &old_ill, NULL);
    sigaction(SIGSEGV, &old_segv, NULL);
    sigaction(SIGBUS, &old_bus, NULL);
    installed = 0;
}

int plat_try(void (*fn)(void *arg), void *arg)
{
    if (!installed)
        return -1;
    sigjmp_buf jb;
    sigjmp_buf *volatile prev = cur_jb;
    if (sigsetjmp(jb, 1)) {
        cur_jb = prev;
        return fault_vec;
    }
    cur_jb = &jb;
    fn(arg);
    cur_jb = prev;
    return 0;
}

uintptr_t plat_unmapped_address(void)
{
    static void *page;
    if (!page) {
        page = mmap(NULL, 4096, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
        if (page == MAP_FAILED)
            page = NULL;
    }
    return (uintptr_t)page;
}
