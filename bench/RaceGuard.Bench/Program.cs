// RaceGuard's benchmarks (not part of the product). One command a run:
//   scan <folder> [--peers] [--runs N] [--profile] [--errors] [--explain <method>] [--explain-type <type>]
//       the real-code scan of bench/real-code.md: cost, allocations, every diagnostic (ScanCommand.cs)
//   growth [--sizes 100,200,...] [--shapes big-type,small-types,call-chains,regions] [--runs N] [--no-peers] [--write <dir>]
//       generated probes of growing size: RaceGuard's time against the compiler's bind time and the peers' (GrowthCommand.cs)
//   ide <folder> [--runs N] [--file <path>]
//       the IDE scenario: one document's analysis after an edit, median and p95 (IdeCommand.cs)
// bench/performance.md says how to run each and records the figures.
using System;
using System.IO;

var usage = "usage: RaceGuard.Bench scan <folder> [--peers] [--runs N] [--profile] [--errors] [--explain <method>] [--explain-type <type>]\n" +
            "       RaceGuard.Bench growth [--sizes 100,200,400,800,1600] [--shapes big-type,small-types,call-chains,regions] [--runs 3] [--no-peers] [--write <dir>]\n" +
            "       RaceGuard.Bench ide <folder> [--runs 30] [--file <path>]";
switch (args.Length > 0 ? args[0] : string.Empty)
{
    case "scan" when args.Length >= 2 && Directory.Exists(args[1]):
        return ScanCommand.Run(args);
    case "growth":
        return GrowthCommand.Run(args);
    case "ide" when args.Length >= 2 && Directory.Exists(args[1]):
        return IdeCommand.Run(args);
    default:
        Console.Error.WriteLine(usage);
        return 2;
}
