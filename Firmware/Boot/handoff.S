/*
 * handoff.S — where the firmware finds its hand-off block.
 *
 * guestfw_handoff_locator is a HandoffLocator (u32 address, u32 length; see
 * Sources/FirmwareImage/HandoffFormat.swift) that guestfw writes into the ELF after the build: the
 * boot code is built once, the block changes with every VM. Zero until then, which the firmware
 * reports as "no hand-off block". It lives in its own section so that FirmwareImage can find it,
 * and it is read through a function so the optimiser can never fold the zeros in.
 */

	.section .handoff_locator, "a"
	.balign	8
	.globl	guestfw_handoff_locator
	.type	guestfw_handoff_locator, @object
guestfw_handoff_locator:
	.long	0	/* address of the block */
	.long	0	/* its length in bytes */
	.size	guestfw_handoff_locator, 8

	.section .text.handoff_locator_address, "ax"
	.code32
	.globl	handoff_locator_address
	.type	handoff_locator_address, @function
handoff_locator_address:
	movl	$guestfw_handoff_locator, %eax
	ret
