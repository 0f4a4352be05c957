import Foundation

/// The keying sheets already built, kept by what a sheet depends on (the person blocks keyed
/// per roster, the form variant, the language), each with its blank sections' HTML once a
/// blank keying page has been drawn from it.
///
/// Every household keyed with three people on the same variant gets the same sheet: building
/// one presents every question of the form for a blank response through the evaluator
/// (``KeyingSheet/init(schema:evaluator:counts:variant:address:language:)``), and drawing its
/// fields through swift-mustache was most of a keying page's CPU (BENCHMARKS.md, "Keying":
/// the sheet 20%, the templates 44% of the server's CPU with 50 keyers). Both are done here
/// once per key instead of on every request.
///
/// The one thing of the household's own in a sheet is its address, piped into questions'
/// wording (`{household_address}`): kept sheets are built with ``KeyingSheet/addressMark``
/// as the address, and the blank HTML is kept cut at each mark, so a page joins the parts
/// with the household's address (escaped for HTML) and nothing else is drawn again.
///
/// Thread-safe. Bounded: at most ``limit`` sheets and ``byteLimit`` bytes of HTML; past
/// either, everything is forgotten and built again as asked (a keyer may ask for any count up
/// to the rosters' maxima, so the keys are not a small fixed set, but a day's keying uses few).
final class KeyingSheetCache: @unchecked Sendable {
    /// What a sheet depends on: members keyed per roster (already clamped to each roster's
    /// maximum, ``KeyingSheet/clampedCounts(schema:requested:)``), the variant and the language.
    struct Key: Hashable {
        var counts: [String: Int]
        var variant: String?
        var language: String
    }

    private struct Entry {
        var sheet: KeyingSheet
        /// The blank sections' HTML cut at each ``KeyingSheet/addressMark``, once drawn.
        var blankParts: [String]?
    }

    private let lock = NSLock()
    private var entries: [Key: Entry] = [:]
    private var bytes = 0
    /// The most sheets kept.
    let limit: Int
    /// The most bytes of blank HTML kept (UTF-8).
    let byteLimit: Int

    init(limit: Int = 32, byteLimit: Int = 32 << 20) {
        self.limit = max(1, limit)
        self.byteLimit = max(1, byteLimit)
    }

    /// The sheet kept under `key`, or the one `build` makes (with ``KeyingSheet/addressMark``
    /// as the address), kept. Two requests for a new key at once may both build it.
    func sheet(_ key: Key, build: () -> KeyingSheet) -> KeyingSheet {
        if let kept = lock.withLock({ entries[key]?.sheet }) { return kept }
        let sheet = build()
        lock.withLock {
            if entries[key] == nil {
                if entries.count >= limit { forgetAll() }
                entries[key] = Entry(sheet: sheet)
            }
        }
        return sheet
    }

    /// The blank sections' HTML of the sheet under `key`, cut at each
    /// ``KeyingSheet/addressMark`` (the page puts the household's address, escaped, between
    /// the parts: ``KeyingSheetPage/filled(_:)``); drawn by `render` (from the kept sheet,
    /// address-marked) the first time.
    func blankSections(_ key: Key, render: () throws -> String) rethrows -> [String] {
        if let kept = lock.withLock({ entries[key]?.blankParts }) { return kept }
        let parts = try render().components(separatedBy: KeyingSheet.addressMark)
        let size = parts.reduce(0) { $0 + $1.utf8.count }
        lock.withLock {
            guard entries[key] != nil, entries[key]?.blankParts == nil else { return }
            if bytes + size > byteLimit {
                forgetAll()
                return
            }
            entries[key]?.blankParts = parts
            bytes += size
        }
        return parts
    }

    /// The number of sheets kept (for tests).
    var count: Int { lock.withLock { entries.count } }

    /// Called with the lock held.
    private func forgetAll() {
        entries.removeAll(keepingCapacity: true)
        bytes = 0
    }
}
