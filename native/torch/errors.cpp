#include "shim.h"

namespace {
thread_local std::string last_error;
}

void gm::set_error(const char* message) { last_error = message ? message : ""; }

// The message of the last failed call on this thread. Valid until the next failure on this thread.
GM_API const char* gm_last_error() { return last_error.c_str(); }
