// shim.h — libelf for Swift (elfutils' <libelf.h> and <gelf.h>, Debian's libelf-dev).
#ifndef GUESTFW_CLIBELF_SHIM_H
#define GUESTFW_CLIBELF_SHIM_H

#include <libelf.h>
#include <gelf.h>

#endif
