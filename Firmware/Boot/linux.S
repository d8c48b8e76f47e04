/*
 * linux.S — the jump into Linux's 32-bit boot protocol (Documentation/arch/x86/boot.rst,
 * "32-bit Boot Protocol"), which Swift cannot spell: it sets registers and never returns.
 *
 * void linux_enter_32(u32 entry, u32 boot_params)  — cdecl, bound in Swift/LinuxBoot.swift.
 *
 * The protocol wants protected mode without paging, flat __BOOT_CS (0x10) / __BOOT_DS (0x18)
 * from a loaded GDT, interrupts off, %esi = boot_params and %ebp = %edi = %ebx = 0. The
 * firmware already runs like that from reset16.S on; the segments are loaded once more here so
 * that the jump does not depend on what earlier code may have done to them.
 */

#include "selectors.h"

	.section .text.linux_enter_32, "ax"
	.code32
	.globl	linux_enter_32
	.type	linux_enter_32, @function
linux_enter_32:
	cli
	cld
	movl	4(%esp), %eax		/* entry: code32_start */
	movl	8(%esp), %esi		/* the zero page */

	movl	$BOOT_DS, %edx
	movw	%dx, %ds
	movw	%dx, %es
	movw	%dx, %ss
	movw	%dx, %fs
	movw	%dx, %gs

	xorl	%ebp, %ebp
	xorl	%edi, %edi
	xorl	%ebx, %ebx

	/* A far return reloads CS too: the kernel's entry then runs with exactly __BOOT_CS. */
	pushl	$BOOT_CS
	pushl	%eax
	lret
	.size	linux_enter_32, . - linux_enter_32
