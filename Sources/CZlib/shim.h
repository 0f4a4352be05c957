// zlib, the system library (Debian: zlib1g-dev), for gzip output and verification.
#include <zlib.h>
