/* fake_efi.h - the fake firmware events, fake time and deadlines shared by the unit tests that
 * compile UEFI upload code on Linux (test_uefi_tcp.c, test_uefi_https.c).  A header, not a .c:
 * it needs GNU-EFI's include paths, which only those tests get (mk/upload.mk).  Include it once,
 * after the code under test. */
#ifndef BB_FAKE_EFI_H
#define BB_FAKE_EFI_H

#include <stdio.h>
#include <string.h>

static uint64_t g_us;                /* fake time, advanced by Stall */
static int g_signaled[64], g_closed[64], g_nev;
static char g_log[2048];             /* the order of the calls that matter */

static inline void note(const char *s) { strncat(g_log, s, sizeof g_log - strlen(g_log) - 1); }
static inline int ev_id(EFI_EVENT e) { return (int)(uintptr_t)e; }

static inline EFI_STATUS EFIAPI f_create_event(UINT32 type, EFI_TPL tpl, EFI_EVENT_NOTIFY fn,
                                               VOID *ctx, EFI_EVENT *ev)
{
    (void)type, (void)tpl, (void)fn, (void)ctx;
    *ev = (EFI_EVENT)(uintptr_t)(++g_nev);
    return EFI_SUCCESS;
}
static inline EFI_STATUS EFIAPI f_check_event(EFI_EVENT e)
{
    if (g_signaled[ev_id(e)]) {
        g_signaled[ev_id(e)] = 0;
        return EFI_SUCCESS;
    }
    return EFI_NOT_READY;
}
static inline EFI_STATUS EFIAPI f_close_event(EFI_EVENT e)
{
    g_closed[ev_id(e)] = 1;
    char s[32];
    snprintf(s, sizeof s, "close_event%d ", ev_id(e));
    note(s);
    return EFI_SUCCESS;
}
static inline EFI_STATUS EFIAPI f_stall(UINTN us) { g_us += us; return EFI_SUCCESS; }

/* a service binding on the NIC g_nic whose children all offer g_fake_child (the test's protocol) */
static void *g_fake_child;
static int g_child_created, g_child_destroyed, g_nic;

static inline EFI_STATUS EFIAPI f_create_child(EFI_SERVICE_BINDING *sb, EFI_HANDLE *h)
{
    (void)sb;
    g_child_created++;
    *h = (EFI_HANDLE)g_fake_child;
    return EFI_SUCCESS;
}
static inline EFI_STATUS EFIAPI f_destroy_child(EFI_SERVICE_BINDING *sb, EFI_HANDLE h)
{
    (void)sb, (void)h;
    g_child_destroyed = 1;
    note("destroy_child ");
    return EFI_SUCCESS;
}
static EFI_SERVICE_BINDING g_sb = {f_create_child, f_destroy_child};

static inline EFI_STATUS EFIAPI f_handle_protocol(EFI_HANDLE h, EFI_GUID *g, VOID **out)
{
    (void)g;
    *out = h == (EFI_HANDLE)&g_nic ? (VOID *)&g_sb : g_fake_child;
    return EFI_SUCCESS;
}

static EFI_BOOT_SERVICES g_bs;
EFI_BOOT_SERVICES *BS = &g_bs;

/** A fresh firmware whose children offer child: events, Stall, HandleProtocol; nothing signaled,
 *  closed, created or destroyed, an empty log. */
static inline void fake_efi_reset(void *child)
{
    memset(&g_bs, 0, sizeof g_bs);
    g_bs.CreateEvent = f_create_event;
    g_bs.CheckEvent = f_check_event;
    g_bs.CloseEvent = f_close_event;
    g_bs.Stall = f_stall;
    g_bs.HandleProtocol = f_handle_protocol;
    memset(g_signaled, 0, sizeof g_signaled);
    memset(g_closed, 0, sizeof g_closed);
    g_log[0] = '\0';
    g_fake_child = child;
    g_child_created = g_child_destroyed = 0;
}

/* deadlines on the fake clock: the event is the expiry time */
int uefi_deadline_start(struct uefi_deadline *d, UINT64 ms)
{
    d->ev = (EFI_EVENT)(uintptr_t)(g_us + ms * 1000);
    d->fired = 0;
    return 0;
}
int uefi_deadline_expired(struct uefi_deadline *d) { return g_us >= (uint64_t)(uintptr_t)d->ev; }
void uefi_deadline_stop(struct uefi_deadline *d) { (void)d; }

#endif
