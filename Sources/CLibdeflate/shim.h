// libdeflate, the system library (Debian: libdeflate-dev), for the export's gzip blocks:
// whole-buffer DEFLATE, faster than zlib at about the same ratio (BENCHMARKS.md, "Aggregation").
#include <libdeflate.h>
