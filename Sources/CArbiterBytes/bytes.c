// The functions are all `static inline` in include/CArbiterBytes.h; SwiftPM needs one source
// file to build the target.
#include "CArbiterBytes.h"
