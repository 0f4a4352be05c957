/// A frame's memo of small states (whether each question applies, ...): plain memory the run
/// owns, read and written in place. Writing needs no uniqueness check and reading no bounds
/// check (asserted in debug builds), where an array checks both every time; the memo is read
/// and written several times per question of every response. A frame is never copied, and the
/// run frees the memory (``Frame/deallocateStates()``).
package struct StateSlots {
    private var base: UnsafeMutablePointer<UInt8>?
    package private(set) var count = 0
    private var capacity = 0

    init() {}

    package subscript(i: Int) -> UInt8 {
        @inline(__always) get {
            assert(i >= 0 && i < count, "state slot \(i) of \(count)")
            return base.unsafelyUnwrapped[i]
        }
        @inline(__always) nonmutating set {
            assert(i >= 0 && i < count, "state slot \(i) of \(count)")
            base.unsafelyUnwrapped[i] = newValue
        }
    }

    /// `count` slots, all 0.
    mutating func reset(count: Int) {
        self.count = 0
        appendZeros(count)
    }

    /// `n` more slots, all 0 (storage grows by doubling, and is kept between responses).
    mutating func appendZeros(_ n: Int) {
        guard n > 0 else { return }
        if count + n > capacity {
            let newCapacity = max(count + n, capacity * 2, 16)
            let grown = UnsafeMutablePointer<UInt8>.allocate(capacity: newCapacity)
            if let base {
                grown.initialize(from: base, count: count)
                base.deallocate()
            }
            base = grown
            capacity = newCapacity
        }
        base.unsafelyUnwrapped.advanced(by: count).initialize(repeating: 0, count: n)
        count += n
    }

    func deallocate() { base?.deallocate() }
}

/// A frame's answers or derived values: plain memory the run owns, like ``StateSlots``, but
/// holding values (initialized slots are kept between responses: readers look at ``Frame/present``
/// or the derived state first).
package struct ValueSlots {
    private var base: UnsafeMutablePointer<Value>?
    /// Slots initialized so far (at least what ``reserve(_:)`` asked for).
    package private(set) var count = 0

    init() {}

    package subscript(i: Int) -> Value {
        @inline(__always) get {
            assert(i >= 0 && i < count, "value slot \(i) of \(count)")
            return base.unsafelyUnwrapped[i]
        }
        @inline(__always) nonmutating set {
            assert(i >= 0 && i < count, "value slot \(i) of \(count)")
            base.unsafelyUnwrapped[i] = newValue
        }
    }

    /// Where slot `i` is held, for reading it in place (valid until the next ``reserve(_:)``).
    @inline(__always)
    func pointer(_ i: Int) -> UnsafeMutablePointer<Value> {
        assert(i >= 0 && i < count, "value slot \(i) of \(count)")
        return base.unsafelyUnwrapped + i
    }

    /// At least `n` slots (new ones unknown); storage grows by doubling and is never shrunk.
    mutating func reserve(_ n: Int) {
        guard n > count else { return }
        let newCount = max(n, count * 2, 16)
        let grown = UnsafeMutablePointer<Value>.allocate(capacity: newCount)
        if let base {
            grown.moveInitialize(from: base, count: count)
            base.deallocate()
        }
        grown.advanced(by: count).initialize(repeating: .unknown, count: newCount - count)
        base = grown
        count = newCount
    }

    func deallocate() {
        guard let base else { return }
        base.deinitialize(count: count)
        base.deallocate()
    }
}
