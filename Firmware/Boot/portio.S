/*
 * portio.S — instructions Swift cannot spell: in, out and hlt.
 *
 * cdecl: arguments on the stack in 4-byte slots (the caller zero-extends the narrow ones),
 * result in %eax. Swift declares these with @_extern(c) in Swift/PortIO.swift. Each helper
 * sits in its own section so that --gc-sections drops the ones nobody calls.
 */

	.code32

#define HELPER(name) \
	.section .text.name, "ax"; \
	.globl name; \
	.type name, @function; \
name:

HELPER(port_out8)
	movl	4(%esp), %edx
	movl	8(%esp), %eax
	outb	%al, %dx
	ret

HELPER(port_out16)
	movl	4(%esp), %edx
	movl	8(%esp), %eax
	outw	%ax, %dx
	ret

HELPER(port_out32)
	movl	4(%esp), %edx
	movl	8(%esp), %eax
	outl	%eax, %dx
	ret

HELPER(port_in8)
	movl	4(%esp), %edx
	xorl	%eax, %eax
	inb	%dx, %al
	ret

HELPER(port_in16)
	movl	4(%esp), %edx
	xorl	%eax, %eax
	inw	%dx, %ax
	ret

HELPER(port_in32)
	movl	4(%esp), %edx
	inl	%dx, %eax
	ret

/* Stop the CPU with interrupts off: the end of every path that must not continue. */
HELPER(cpu_halt_forever)
	cli
1:	hlt
	jmp	1b
