// libFuzzer target: the /proc file parsers (FuzzTargets.procParsers). Compiled into the PSCore
// module by bench/fuzz.sh (not part of the package).
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzProcParsers(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    FuzzTargets.procParsers(UnsafeBufferPointer(start: data, count: size))
    return 0
}
