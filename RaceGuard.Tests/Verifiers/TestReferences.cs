using System.Collections.Immutable;
using System.IO;
using Microsoft.CodeAnalysis.Testing;

namespace RaceGuard.Tests.Verifiers
{
    /// <summary>The reference assemblies tests compile against.</summary>
    internal static class TestReferences
    {
        /// <summary>.NET 8, the baseline.</summary>
        public static ReferenceAssemblies Net80 { get; } = ReferenceAssemblies.Net.Net80;

        /// <summary>.NET 9, for System.Threading.Lock.</summary>
        public static ReferenceAssemblies Net90 { get; } = new ReferenceAssemblies(
            "net9.0",
            new PackageIdentity("Microsoft.NETCore.App.Ref", "9.0.16"),
            Path.Combine("ref", "net9.0"));
    }
}
