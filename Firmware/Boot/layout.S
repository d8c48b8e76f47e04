/*
 * layout.S — firmware.ld's addresses as functions Swift can call: Swift cannot take a linker
 * symbol's address as a value, and a copy of the numbers in Swift would drift from the script.
 */

	.code32

	.section .text.firmware_ram_start, "ax"
	.globl	firmware_ram_start
	.type	firmware_ram_start, @function
/* The first byte of the firmware's RAM (.data, .bss, then the stack). */
firmware_ram_start:
	movl	$__firmware_ram_start, %eax
	ret

	.section .text.firmware_ram_end, "ax"
	.globl	firmware_ram_end
	.type	firmware_ram_end, @function
/* One past the last byte: the top of the stack. */
firmware_ram_end:
	movl	$__stack_top, %eax
	ret
