/* nouefi.S - the BIOS boot sector of barebench's ISO (El Torito BIOS entry) and disk image
 * (protective-MBR boot code).  barebench needs UEFI: booted by a legacy BIOS, this prints how to
 * switch, on the screen (INT 10h) and on COM1, then waits for a key (bounded by the BIOS tick
 * counter) and reboots; after 2 minutes without a key it hands back to the BIOS (INT 18h: next
 * boot device), and halts if that returns.  16-bit real mode, loaded at 0000:7C00; must fit in
 * the 440 bytes of an MBR's boot code area (the Makefile checks). */
    .code16
    .text
    .globl _start
_start:
    cli
    xorw %ax, %ax
    movw %ax, %ds
    movw %ax, %es
    movw %ax, %ss
    movw $0x7c00, %sp
    ljmp $0, $start          /* some BIOSes enter at 07C0:0000: make CS 0 */
start:
    sti
    cld
    /* COM1 at 115200 8N1, FIFOs on; harmless where there is no UART */
    movw $com_init, %si
    movw $0x3fb, %dx
1:  lodsb                    /* table: port offset, value; offset 0xff ends */
    cmpb $0xff, %al
    je 2f
    movb %al, %dl
    lodsb
    outb %al, %dx
    jmp 1b
2:  movw $msg, %si
3:  lodsb
    testb %al, %al
    jz wait_key
    call putc
    jmp 3b

/* putc: AL to the screen and, unless COM1 stopped draining, to COM1 (bounded poll) */
putc:
    pushw %ax
    movb $0x0e, %ah
    movw $0x0007, %bx
    int $0x10
    popw %bx                 /* BL = the character */
    cmpb $0, no_serial
    jne 6f
    movw $0x3fd, %dx
    movw $0x4000, %cx        /* about 16 ms on real hardware */
4:  inb %dx, %al
    testb $0x20, %al         /* transmit holding register empty */
    jnz 5f
    loop 4b
    movb $1, no_serial       /* a port nobody drains is not used again */
    ret
5:  movb $0xf8, %dl
    movb %bl, %al
    outb %al, %dx
6:  ret

wait_key:
    movl 0x46c, %edi         /* BIOS tick counter, 18.2 Hz */
7:  hlt                      /* woken by the timer tick at least */
    movb $0x01, %ah
    int $0x16                /* key waiting?  ZF clear when one is */
    jnz key
    movl 0x46c, %eax
    subl %edi, %eax
    cmpl $2184, %eax         /* 2 minutes */
    jb 7b
    int $0x18                /* no key: let the BIOS try the next boot device */
halt:
    cli
    hlt
    jmp halt
key:
    xorb %ah, %ah
    int $0x16                /* take the key */
    movb $0xfe, %al
    outb %al, $0x64          /* pulse the reset line through the keyboard controller */
    ljmp $0xffff, $0         /* or jump to the reset vector */

com_init:
    .byte 0xfb, 0x80, 0xf8, 0x01, 0xf9, 0x00, 0xfb, 0x03, 0xfa, 0xc7, 0xfc, 0x03, 0xff
no_serial:
    .byte 0
msg:
    .ascii "\r\nbarebench needs UEFI firmware; this is a legacy BIOS boot.\r\n"
    .ascii " VM: set its firmware to EFI/UEFI (ESXi: VM Options > Boot; Hyper-V: Gen 2;\r\n"
    .ascii "   QEMU/libvirt: OVMF).  Server: set boot mode UEFI in the firmware setup.\r\n"
    .asciz "Press a key to reboot; in 2 minutes the next boot device is tried.\r\n"
