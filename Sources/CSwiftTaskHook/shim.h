// The Swift runtime's hook for the global executor (swift/Runtime/Concurrency.h in the Swift
// repository): `swift_task_enqueueGlobal_hook`, NULL or a function (Swift calling convention,
// `void (Job *job, void (*original)(Job *))`) that the runtime calls instead of handing a task
// to its own thread pool. Declared as a plain pointer: only its storage is used here.
//
// swift-nio's NIOSingletons.unsafeTryInstallSingletonPosixEventLoopGroupAsConcurrencyGlobalExecutor()
// finds the hook with dlsym(), which fails in an executable that links the Swift runtime
// statically (-static-stdlib hides the runtime's symbols from the dynamic symbol table: gold's
// --exclude-libs ALL), and then it silently leaves the tasks on Swift's pool. Referenced here,
// the hook is resolved by the linker instead, linked statically or dynamically alike.
#include <stdbool.h>

extern void *swift_task_enqueueGlobal_hook;

/// Sets the runtime's global-enqueue hook to `hook` unless one is set already (an atomic
/// compare-and-swap, as swift-nio does). Returns whether `hook` was set.
static inline bool census_swift_task_install_enqueue_global_hook(void *hook) {
    void *expected = 0;
    return __atomic_compare_exchange_n(&swift_task_enqueueGlobal_hook, &expected, hook, false,
                                       __ATOMIC_SEQ_CST, __ATOMIC_SEQ_CST);
}
