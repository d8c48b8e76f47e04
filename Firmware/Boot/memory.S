/*
 * memory.S — memcpy, memmove and memset, which compiled Swift calls for copies and fills
 * (LLVM turns byte loops into them). There is no C library in a firmware, so here they are,
 * with the C signatures and cdecl.
 */

	.code32

#define HELPER(name) \
	.section .text.name, "ax"; \
	.globl name; \
	.type name, @function; \
name:

/* void *memcpy(void *dest, const void *src, size_t n) */
HELPER(memcpy)
	pushl	%esi
	pushl	%edi
	movl	12(%esp), %edi
	movl	16(%esp), %esi
	movl	20(%esp), %ecx
	movl	%edi, %eax
	cld
	rep movsb
	popl	%edi
	popl	%esi
	ret

/* void *memmove(void *dest, const void *src, size_t n): copies backwards when dest overlaps
 * the tail of src. */
HELPER(memmove)
	pushl	%esi
	pushl	%edi
	movl	12(%esp), %edi
	movl	16(%esp), %esi
	movl	20(%esp), %ecx
	movl	%edi, %eax
	cmpl	%esi, %edi
	jbe	1f
	leal	-1(%esi,%ecx), %esi
	leal	-1(%edi,%ecx), %edi
	std
	rep movsb
	cld
	jmp	2f
1:	cld
	rep movsb
2:	popl	%edi
	popl	%esi
	ret

/* void *memset(void *dest, int c, size_t n) */
HELPER(memset)
	pushl	%edi
	movl	8(%esp), %edi
	movl	12(%esp), %eax
	movl	16(%esp), %ecx
	pushl	%edi
	cld
	rep stosb
	popl	%eax
	popl	%edi
	ret
