// libdeflate, the system library (Debian: libdeflate-dev), for the export's gzip blocks:
// whole-buffer DEFLATE, faster than zlib at the same or a better ratio.
#include <libdeflate.h>
