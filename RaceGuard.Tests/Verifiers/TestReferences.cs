using System.Collections.Immutable;
using System.IO;
using System.Linq;
using System.Reflection;
using Microsoft.CodeAnalysis;
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

        /// <summary>
        /// The ASP.NET Core 8 reference assemblies (middleware, controllers, hosting), from the targeting pack the test
        /// project downloads; added to a test's <c>TestState.AdditionalReferences</c> next to <see cref="Net80"/>.
        /// </summary>
        public static ImmutableArray<MetadataReference> AspNetCore80 { get; } = Directory
            .EnumerateFiles(Path.Combine(PackageRoot, "microsoft.aspnetcore.app.ref", "8.0.0", "ref", "net8.0"), "*.dll")
            .Select(path => (MetadataReference)MetadataReference.CreateFromFile(path))
            .ToImmutableArray();

        /// <summary>Microsoft.CodeAnalysis 4.8 (netstandard2.0, the version the analyzers build against), for test code written against Roslyn.</summary>
        public static ImmutableArray<MetadataReference> CodeAnalysis { get; } = ImmutableArray.Create<MetadataReference>(
            MetadataReference.CreateFromFile(Path.Combine(PackageRoot, "microsoft.codeanalysis.common", "4.8.0", "lib", "netstandard2.0", "Microsoft.CodeAnalysis.dll")));

        private static string PackageRoot => typeof(TestReferences).Assembly
            .GetCustomAttributes<AssemblyMetadataAttribute>()
            .First(a => a.Key == "NuGetPackageRoot").Value!;
    }
}
