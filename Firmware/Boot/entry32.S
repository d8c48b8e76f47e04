/*
 * entry32.S — 32-bit protected-mode entry: segments, stack, .data and .bss, then Swift.
 *
 * QEMU's RAM is usable right at reset (no memory controller to train), so the stack and the
 * writable data go straight into low RAM at the addresses firmware.ld chooses.
 */

#include "selectors.h"

#define CR0_MP		(1 << 1)
#define CR0_EM		(1 << 2)
#define CR4_OSFXSR	(1 << 9)
#define CR4_OSXMMEXCPT	(1 << 10)

	.section .text.entry32, "ax"
	.code32
	.globl	protected_mode_start
protected_mode_start:
	movw	$BOOT_DS, %ax
	movw	%ax, %ds
	movw	%ax, %es
	movw	%ax, %ss
	movw	%ax, %fs
	movw	%ax, %gs
	/* 16-byte aligned: the call below then leaves %esp+4 aligned at entry, as the i386 ABI wants */
	movl	$__stack_top, %esp
	xorl	%ebp, %ebp		/* end of frame chain for debuggers */

	/*
	 * SSE on. swiftc's i686 target is pentium4 ("+sse,+sse2" in every function's attributes),
	 * so LLVM may zero or copy memory with movaps/movups at will; at reset CR4.OSFXSR is
	 * clear and the first such instruction raises #UD, a silent triple fault here.
	 */
	movl	%cr0, %eax
	andl	$~CR0_EM, %eax		/* no x87 emulation trap */
	orl	$CR0_MP, %eax
	movl	%eax, %cr0
	movl	%cr4, %eax
	orl	$(CR4_OSFXSR | CR4_OSXMMEXCPT), %eax
	movl	%eax, %cr4

	/* .data is linked at its RAM address but stored in ROM after .rodata: copy it down. */
	movl	$__data_load_start, %esi
	movl	$__data_start, %edi
	movl	$__data_end, %ecx
	subl	%edi, %ecx
	rep movsb

	/* .bss is not in the image at all: zero it. */
	movl	$__bss_start, %edi
	movl	$__bss_end, %ecx
	subl	%edi, %ecx
	xorl	%eax, %eax
	rep stosb


	call	firmware_main

	/* firmware_main powers the machine off; should it return, stop here for good. */
1:	cli
	hlt
	jmp	1b
