/*
 * reset16.S — the first instructions the CPU runs, in 16-bit real mode.
 *
 * At reset the CPU fetches from 0xFFFFFFF0 with CS.selector = 0xF000 but a hidden CS.base of
 * 0xFFFF0000, so 16-bit code can run from the top 64 KiB of the 4 GiB space until CS is reloaded.
 * This file holds only what must live there: the reset vector, the real → protected mode switch
 * and the GDT. Both sections are placed in the top 64 KiB by firmware.ld.
 */

#include "selectors.h"

	.section .resetvector, "ax"
	.code16
	.globl	reset_vector
/* 0xFFFFFFF0: 16 bytes before the end of the ROM. A near jump stays in CS (base 0xFFFF0000). */
reset_vector:
	jmp	real_mode_start
	/* firmware.ld makes this section exactly 16 bytes; the rest is filler up to 4 GiB. */
	.balign	16, 0xf4

	.section .text16, "ax"
	.code16
real_mode_start:
	cli				/* no IDT yet: an interrupt now would triple-fault */
	cld
	/*
	 * lgdtl with a %cs override: DS still has base 0, but CS has base 0xFFFF0000, so the
	 * 16-bit offset of the descriptor inside the top 64 KiB reaches it. gdt_descriptor_offset
	 * (= gdt_descriptor & 0xFFFF) is computed by firmware.ld, since as cannot mask a
	 * relocatable symbol. The "l" suffix makes lgdt load all 32 bits of the base (a 16-bit
	 * lgdt loads only 24 bits, which would lose the 0xFF in 0xFFFFxxxx).
	 */
	lgdtl	%cs:gdt_descriptor_offset

	movl	%cr0, %eax
	andl	$0x9fffffff, %eax	/* clear CD and NW: caches on (a no-op under TCG, right on hardware) */
	orl	$0x00000001, %eax	/* PE */
	movl	%eax, %cr0

	/* A far jump reloads CS from the GDT; until then the CPU still decodes 16-bit code. */
	ljmpl	$BOOT_CS, $protected_mode_start

/*
 * Flat 4 GiB segments in the slots Linux's 32-bit boot protocol requires (boot.rst):
 * __BOOT_CS = 0x10 with execute/read, __BOOT_DS = 0x18 with read/write. Slot 0x08 is unused,
 * as in Linux's own boot GDT. The accessed bit is preset (0x9B/0x93): the CPU would otherwise
 * try to set it in the descriptor on the first segment load, and this GDT lives in ROM.
 */
	.balign	8
gdt:
	.quad	0x0000000000000000	/* 0x00: null */
	.quad	0x0000000000000000	/* 0x08: unused */
	.quad	0x00cf9b000000ffff	/* 0x10: __BOOT_CS, base 0, limit 4 GiB, 32-bit, exec/read */
	.quad	0x00cf93000000ffff	/* 0x18: __BOOT_DS, base 0, limit 4 GiB, 32-bit, read/write */
gdt_end:

	.globl	gdt_descriptor
gdt_descriptor:
	.word	gdt_end - gdt - 1	/* limit */
	.long	gdt			/* 32-bit linear base (0xFFFFxxxx) */
